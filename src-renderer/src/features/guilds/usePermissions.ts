import { hasPermission, Permission, type PermissionName } from '@shared/permissions/permissions';
import type { Channel } from '../../api/types';
import { useAuth, useGuilds } from '../../app/services';
import { myPermissions } from './permissions';

/**
 * Whether I may use `perm` in the guild (or in `channel`, when given); re-renders when roles, overwrites or my roles
 * change.
 *
 * @example
 * const canCreate = useCan(guildId, 'MANAGE_CHANNELS');
 * {canCreate && <button onClick={createChannel}>Create channel</button>}
 */
export function useCan(guildId: string | null | undefined, perm: PermissionName, channel?: Channel | null): boolean {
  const selfId = useAuth((s) => s.user?.id);
  return useGuilds((s) => (guildId ? hasPermission(myPermissions(s, selfId, guildId, channel), Permission[perm]) : false));
}

/** Whether I own the guild (owner-only actions: delete, transfer, roles above my own). */
export function useIsOwner(guildId: string | null | undefined): boolean {
  const selfId = useAuth((s) => s.user?.id);
  return useGuilds((s) => !!guildId && !!selfId && s.guilds.find((g) => g.id === guildId)?.ownerId === selfId);
}
