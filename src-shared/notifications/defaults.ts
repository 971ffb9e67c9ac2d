import type { GuildNotificationSettings, NotificationLevel } from '../api/notification-settings';

/**
 * Values of the notification settings both ends need, kept apart from the zod contract so the renderer can import
 * them without loading schemas.
 */

/**
 * The level of a server whose settings were never changed: mentions only (what Parley notified before there were
 * settings; Discord picks "all" for small servers, "mentions" for large ones).
 */
export const DEFAULT_NOTIFICATION_LEVEL: NotificationLevel = 'mentions';

export function defaultGuildNotificationSettings(guildId: string): GuildNotificationSettings {
  return { guildId, level: DEFAULT_NOTIFICATION_LEVEL, suppressRoles: false, muted: false, muteUntil: null, channels: [] };
}

/** Whether a mute is in force at `now` (ms since the epoch): muteUntil null is "until I turn it back on". */
export function isMuted(s: { muted: boolean; muteUntil: string | null }, now: number): boolean {
  return s.muted && (s.muteUntil === null || Date.parse(s.muteUntil) > now);
}
