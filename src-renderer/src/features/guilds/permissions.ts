import { computePermissions } from '@shared/permissions/permissions';
import type { Channel, Guild, Role } from '../../api/types';
import type { GuildsState } from './guilds.store';

// Pure, so it is unit-tested without the app's stores; the React hooks over it are in usePermissions.ts.

/** Everything one user's permissions in a guild are computed from. */
export interface PermissionScope {
  userId: string;
  guild: Pick<Guild, 'id' | 'ownerId'>;
  /** Every role of the guild, @everyone included. */
  roles: readonly Role[];
  /** The guild's channels (a channel's category is looked up here). */
  channels: readonly Channel[];
  /** The user's role ids, without @everyone. */
  memberRoleIds: readonly string[];
}

/**
 * The user's permission bits in the guild, or in `channel` (its category's overwrites apply first), with
 * src-shared/permissions: the code the server judges every call with, so what the client shows matches what it allows.
 */
export function permissionsIn(scope: PermissionScope, channel?: Channel | null): number {
  const category = channel?.parentId ? (scope.channels.find((c) => c.id === channel.parentId) ?? null) : null;
  return computePermissions({
    userId: scope.userId,
    guildId: scope.guild.id,
    ownerId: scope.guild.ownerId,
    roles: scope.roles,
    memberRoleIds: scope.memberRoleIds,
    category,
    channel: channel ?? null,
  });
}

/** The signed-in user's scope in a guild from what the guilds store holds; null for an unknown guild or no user. */
export function myScope(
  s: Pick<GuildsState, 'guilds' | 'channelsByGuild' | 'membersByGuild' | 'rolesByGuild'>,
  selfId: string | undefined,
  guildId: string,
): PermissionScope | null {
  const guild = s.guilds.find((g) => g.id === guildId);
  if (!guild || !selfId) return null;
  const me = s.membersByGuild[guildId]?.find((m) => m.user.id === selfId);
  return {
    userId: selfId,
    guild,
    roles: s.rolesByGuild[guildId] ?? [],
    channels: s.channelsByGuild[guildId] ?? [],
    memberRoleIds: me?.roleIds ?? [],
  };
}

/**
 * My permissions in a guild or one of its channels, computed from what the store already holds (roles, my member
 * record with its role ids, the guild's owner, channel overwrites): the gateway resends these on every change, so
 * controls appear and disappear live. Only for hiding controls: the server checks every call anyway.
 */
export function myPermissions(
  s: Pick<GuildsState, 'guilds' | 'channelsByGuild' | 'membersByGuild' | 'rolesByGuild'>,
  selfId: string | undefined,
  guildId: string,
  channel?: Channel | null,
): number {
  const scope = myScope(s, selfId, guildId);
  return scope ? permissionsIn(scope, channel) : 0;
}
