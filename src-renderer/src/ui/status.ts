import type { PresenceStatus, UserStatus } from '../api/types';

/** What a status dot shows: what others see of a user, plus "invisible", which only the user sees of themself. */
export type DisplayStatus = PresenceStatus | 'invisible';

/** The words for each status: the text alternative of every dot (a dot is never the only sign). */
export const STATUS_LABEL: Record<DisplayStatus, string> = {
  online: 'Online',
  idle: 'Idle',
  dnd: 'Do Not Disturb',
  offline: 'Offline',
  invisible: 'Invisible',
};

/**
 * How the signed-in user sees themself: what the server says others see, except that invisible (others: offline)
 * shows as invisible; before the first presence arrives, the chosen status.
 */
export function selfDisplayStatus(chosen: UserStatus, presence: PresenceStatus | undefined): DisplayStatus {
  if (chosen === 'invisible') return 'invisible';
  return presence && presence !== 'offline' ? presence : chosen;
}
