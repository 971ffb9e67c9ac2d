import { z } from 'zod';
import { Id, IsoDate } from './common';

/**
 * Notification settings (Discord's per-server and per-channel "Notification settings" and "Mute"), kept on the server
 * so every session of the user follows the same choice, and sent live to the others as NOTIFICATION_SETTINGS_UPDATE.
 *
 * The client decides whether a message notifies (src-renderer/src/features/notifications/should-notify.ts); the server
 * only stores and syncs. Unread state is unaffected, except that muted channels and servers do not badge.
 */

/** What notifies in a server: every message, only messages that mention me (or one of my roles), or nothing. */
export const NotificationLevel = z.enum(['all', 'mentions', 'nothing']);
export type NotificationLevel = z.infer<typeof NotificationLevel>;

/** A channel follows its server (`inherit`) or overrides it. */
export const ChannelNotificationLevel = z.enum(['inherit', 'all', 'mentions', 'nothing']);
export type ChannelNotificationLevel = z.infer<typeof ChannelNotificationLevel>;

/**
 * Muted: no notifications (a mention still badges) and no unread badge. `muteUntil` null is "until I turn it back
 * on"; a time in the past means the mute has ended.
 */
const Mute = {
  muted: z.boolean(),
  muteUntil: IsoDate.nullable(),
};

export const ChannelNotificationSettings = z.object({
  channelId: Id,
  level: ChannelNotificationLevel,
  ...Mute,
});
export type ChannelNotificationSettings = z.infer<typeof ChannelNotificationSettings>;

/** One server's settings with its channels' overrides (channels following the server with no mute are not listed). */
export const GuildNotificationSettings = z.object({
  guildId: Id,
  level: NotificationLevel,
  /** Messages that only reach me through a role mention do not notify. (Parley has no @everyone or @here mentions.) */
  suppressRoles: z.boolean(),
  ...Mute,
  channels: z.array(ChannelNotificationSettings),
});
export type GuildNotificationSettings = z.infer<typeof GuildNotificationSettings>;

/** PUT bodies replace the whole stored setting: the last write wins, whichever session it came from. */
export const UpdateGuildNotificationSettingsBody = z.strictObject({
  level: NotificationLevel,
  suppressRoles: z.boolean(),
  ...Mute,
});
export type UpdateGuildNotificationSettingsBody = z.infer<typeof UpdateGuildNotificationSettingsBody>;

/** `inherit` and not muted removes the channel's override. */
export const UpdateChannelNotificationSettingsBody = z.strictObject({
  level: ChannelNotificationLevel,
  ...Mute,
});
export type UpdateChannelNotificationSettingsBody = z.infer<typeof UpdateChannelNotificationSettingsBody>;
