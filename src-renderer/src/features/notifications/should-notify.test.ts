import { describe, expect, it } from 'vitest';
import type { GuildNotificationSettings } from '@shared/api/notification-settings';
import { defaultGuildNotificationSettings } from '@shared/notifications/defaults';
import { channelNotificationState, shouldNotify, unreadDisplay, type NotifyInput } from './should-notify';

const me = 'a'.repeat(24);
const other = 'b'.repeat(24);
const guildId = 'c'.repeat(24);
const channelId = 'd'.repeat(24);
const otherChannel = 'e'.repeat(24);
const now = Date.parse('2026-12-05T12:00:00Z');
const later = '2026-12-05T13:00:00.000Z';
const earlier = '2026-12-05T11:00:00.000Z';

const settings = (patch: Partial<GuildNotificationSettings> = {}): GuildNotificationSettings => ({
  ...defaultGuildNotificationSettings(guildId),
  ...patch,
});

const input = (patch: Partial<NotifyInput> = {}, message: Partial<NotifyInput['message']> = {}): NotifyInput => ({
  message: { authorId: other, channelId, type: 'default', mentionsMeDirectly: false, mentionsMyRole: false, ...message },
  settings: settings(),
  selfId: me,
  status: 'online',
  channelOpen: false,
  windowFocused: false,
  now,
  ...patch,
});

describe('shouldNotify', () => {
  it('when nothing was ever set, then only mentions notify (the default level is mentions)', () => {
    expect(shouldNotify(input({ settings: undefined }))).toEqual({ notify: false, reason: 'level' });
    expect(shouldNotify(input({ settings: undefined }, { mentionsMeDirectly: true }))).toEqual({ notify: true, reason: 'mention' });
  });

  it('when the guild level is all, then every message notifies; nothing: none, not even a mention', () => {
    expect(shouldNotify(input({ settings: settings({ level: 'all' }) }))).toEqual({ notify: true, reason: 'all' });
    expect(shouldNotify(input({ settings: settings({ level: 'nothing' }) }, { mentionsMeDirectly: true }))).toEqual({
      notify: false,
      reason: 'level',
    });
  });

  it('when a channel overrides the level, then it wins over the guild; inherit follows the guild', () => {
    const s = settings({
      level: 'nothing',
      channels: [
        { channelId, level: 'all', muted: false, muteUntil: null },
        { channelId: otherChannel, level: 'inherit', muted: true, muteUntil: earlier },
      ],
    });
    expect(shouldNotify(input({ settings: s })).notify).toBe(true);
    expect(shouldNotify(input({ settings: s }, { channelId: otherChannel, mentionsMeDirectly: true })).notify).toBe(false);
    const quiet = settings({ level: 'all', channels: [{ channelId, level: 'mentions', muted: false, muteUntil: null }] });
    expect(shouldNotify(input({ settings: quiet })).notify).toBe(false);
    expect(shouldNotify(input({ settings: quiet }, { mentionsMeDirectly: true })).notify).toBe(true);
  });

  it('when the channel or the guild is muted, then even a mention does not notify, until the mute runs out', () => {
    const mention = { mentionsMeDirectly: true };
    const channelMuted = (muteUntil: string | null) => settings({ channels: [{ channelId, level: 'inherit', muted: true, muteUntil }] });
    expect(shouldNotify(input({ settings: channelMuted(null) }, mention))).toEqual({ notify: false, reason: 'muted' });
    expect(shouldNotify(input({ settings: channelMuted(later) }, mention))).toEqual({ notify: false, reason: 'muted' });
    expect(shouldNotify(input({ settings: channelMuted(earlier) }, mention))).toEqual({ notify: true, reason: 'mention' });
    expect(shouldNotify(input({ settings: settings({ muted: true, muteUntil: later }) }, mention)).notify).toBe(false);
    expect(shouldNotify(input({ settings: settings({ muted: true, muteUntil: earlier }) }, mention)).notify).toBe(true);
  });

  it('when suppressRoles is on, then a role mention alone does not notify but my own name still does', () => {
    const s = settings({ suppressRoles: true });
    expect(shouldNotify(input({ settings: s }, { mentionsMyRole: true })).notify).toBe(false);
    expect(shouldNotify(input({ settings: s }, { mentionsMyRole: true, mentionsMeDirectly: true })).notify).toBe(true);
    expect(shouldNotify(input({}, { mentionsMyRole: true })).notify).toBe(true);
  });

  it('when I wrote the message, or it is a system message, then it never notifies', () => {
    expect(shouldNotify(input({ settings: settings({ level: 'all' }) }, { authorId: me, mentionsMeDirectly: true }))).toEqual({
      notify: false,
      reason: 'own',
    });
    expect(shouldNotify(input({ settings: settings({ level: 'all' }) }, { type: 'member_join' })).reason).toBe('system');
  });

  it('when my status is Do Not Disturb, then nothing notifies; idle and invisible still do', () => {
    const mention = { mentionsMeDirectly: true };
    expect(shouldNotify(input({ status: 'dnd' }, mention))).toEqual({ notify: false, reason: 'dnd' });
    expect(shouldNotify(input({ status: 'idle' }, mention)).notify).toBe(true);
    expect(shouldNotify(input({ status: 'invisible' }, mention)).notify).toBe(true);
  });

  it('when the channel is open in a focused window, then I see it arrive: no notification; open but unfocused notifies', () => {
    const mention = { mentionsMeDirectly: true };
    expect(shouldNotify(input({ channelOpen: true, windowFocused: true }, mention))).toEqual({ notify: false, reason: 'visible' });
    expect(shouldNotify(input({ channelOpen: true, windowFocused: false }, mention)).notify).toBe(true);
    expect(shouldNotify(input({ channelOpen: false, windowFocused: true }, mention)).notify).toBe(true);
  });
});

describe('unread display', () => {
  it('when a channel is muted, then it shows no unread marker but keeps mention badges unless its level is nothing', () => {
    const s = settings({ channels: [{ channelId, level: 'inherit', muted: true, muteUntil: null }] });
    expect(unreadDisplay(s, channelId, now)).toEqual({ showUnread: false, showMentions: true, muted: true });
    expect(unreadDisplay(s, otherChannel, now)).toEqual({ showUnread: true, showMentions: true, muted: false });
    const nothing = settings({ level: 'nothing', muted: true, muteUntil: later });
    expect(unreadDisplay(nothing, otherChannel, now)).toEqual({ showUnread: false, showMentions: false, muted: true });
    expect(channelNotificationState(nothing, otherChannel, Date.parse(later) + 1).muted).toBe(false);
  });
});
