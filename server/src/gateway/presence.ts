import type { PresenceStatus } from '@shared/api/gateway';
import type { UserStatus } from '@shared/api/users';

/** What one connected session reports of itself (PRESENCE_SET): its user is at the keyboard or not. */
export type SessionActivity = 'online' | 'idle';

/**
 * What others see of a user, Discord's rules: no session or `invisible` → offline; `dnd` → dnd; `idle` chosen → idle;
 * `online` chosen → online unless every session is idle.
 */
export function aggregatePresence(chosen: UserStatus, sessions: readonly SessionActivity[]): PresenceStatus {
  if (sessions.length === 0 || chosen === 'invisible') return 'offline';
  if (chosen === 'dnd' || chosen === 'idle') return chosen;
  return sessions.some((s) => s === 'online') ? 'online' : 'idle';
}
