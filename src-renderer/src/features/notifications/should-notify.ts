import type { GuildNotificationSettings, NotificationLevel } from '@shared/api/notification-settings';
import { defaultGuildNotificationSettings, isMuted } from '@shared/notifications/defaults';

/**
 * What my notification settings make of one guild's channel at `now`: the level in force (the channel's override, else
 * the guild's) and whether it is muted (the guild or the channel, until their time runs out).
 */
export function channelNotificationState(
  settings: GuildNotificationSettings | undefined,
  channelId: string,
  now: number,
): { level: NotificationLevel; muted: boolean; suppressRoles: boolean } {
  const guild = settings ?? defaultGuildNotificationSettings('');
  const override = guild.channels.find((c) => c.channelId === channelId);
  const level = override && override.level !== 'inherit' ? override.level : guild.level;
  const muted = isMuted(guild, now) || (override !== undefined && isMuted(override, now));
  return { level, muted, suppressRoles: guild.suppressRoles };
}

export interface NotifyInput {
  message: {
    authorId: string;
    channelId: string;
    type: string;
    /** I am named in the message (`<@me>`, or a reply that pings me). */
    mentionsMeDirectly: boolean;
    /** One of my roles is mentioned in a way that counts. */
    mentionsMyRole: boolean;
  };
  settings: GuildNotificationSettings | undefined;
  selfId: string | undefined;
  /** My chosen status: Do Not Disturb never notifies. */
  status: 'online' | 'idle' | 'dnd' | 'invisible';
  /** The message's channel is the one on screen… */
  channelOpen: boolean;
  /** …in a window that has the focus (then I see it arrive: no notification). */
  windowFocused: boolean;
  now: number;
}

export type NotifyDecision =
  { notify: true; reason: 'all' | 'mention' } | { notify: false; reason: 'own' | 'system' | 'dnd' | 'visible' | 'muted' | 'level' };

/** Whether an incoming message becomes a desktop notification (Discord's rules, in the order it applies them). */
export function shouldNotify(input: NotifyInput): NotifyDecision {
  const { message } = input;
  if (!input.selfId || message.authorId === input.selfId) return { notify: false, reason: 'own' };
  if (message.type !== 'default') return { notify: false, reason: 'system' };
  if (input.status === 'dnd') return { notify: false, reason: 'dnd' };
  if (input.channelOpen && input.windowFocused) return { notify: false, reason: 'visible' };
  const state = channelNotificationState(input.settings, message.channelId, input.now);
  if (state.muted) return { notify: false, reason: 'muted' };
  const mentioned = message.mentionsMeDirectly || (message.mentionsMyRole && !state.suppressRoles);
  if (state.level === 'all') return { notify: true, reason: mentioned ? 'mention' : 'all' };
  if (state.level === 'mentions' && mentioned) return { notify: true, reason: 'mention' };
  return { notify: false, reason: 'level' };
}

/**
 * How a channel shows its unread state: muted channels (or channels of a muted guild) show no unread marker, and
 * mention badges show unless the level in force is "nothing".
 */
export function unreadDisplay(
  settings: GuildNotificationSettings | undefined,
  channelId: string,
  now: number,
): { showUnread: boolean; showMentions: boolean; muted: boolean } {
  const state = channelNotificationState(settings, channelId, now);
  return { showUnread: !state.muted, showMentions: state.level !== 'nothing', muted: state.muted };
}
