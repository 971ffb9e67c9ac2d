import { computePermissions, hasPermission, Permission, type PermissionName } from '@shared/permissions/permissions';
import type { Channel } from '../../api/types';
import { useAuth, useGuilds } from '../../app/services';
import type { GuildsState } from '../guilds/guilds.store';

/**
 * My permissions in a guild or one of its channels, computed from what the store already holds (roles, my member
 * record with its role ids, the guild's owner, channel overwrites): the gateway resends these on every change, so
 * controls appear and disappear live. Only for hiding controls: the server checks every call anyway.
 */
export function myPermissions(s: GuildsState, selfId: string | undefined, guildId: string, channel?: Channel | null): number {
  const guild = s.guilds.find((g) => g.id === guildId);
  if (!guild || !selfId) return 0;
  const me = s.membersByGuild[guildId]?.find((m) => m.user.id === selfId);
  const channels = s.channelsByGuild[guildId] ?? [];
  const category = channel?.parentId ? channels.find((c) => c.id === channel.parentId) : null;
  return computePermissions({
    userId: selfId,
    guildId,
    ownerId: guild.ownerId,
    roles: s.rolesByGuild[guildId] ?? [],
    memberRoleIds: me?.roleIds ?? [],
    category: category ?? null,
    channel: channel ?? null,
  });
}

/** Whether I may use `perm` in the guild (or in `channel`, when given). */
export function useCan(guildId: string | null | undefined, perm: PermissionName, channel?: Channel | null): boolean {
  const selfId = useAuth((s) => s.user?.id);
  return useGuilds((s) => (guildId ? hasPermission(myPermissions(s, selfId, guildId, channel), Permission[perm]) : false));
}

export function useIsOwner(guildId: string | null | undefined): boolean {
  const selfId = useAuth((s) => s.user?.id);
  return useGuilds((s) => !!guildId && !!selfId && s.guilds.find((g) => g.id === guildId)?.ownerId === selfId);
}
