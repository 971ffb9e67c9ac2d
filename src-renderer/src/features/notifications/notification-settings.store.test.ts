import { describe, expect, it } from 'vitest';
import type { GuildNotificationSettings } from '@shared/api/notification-settings';
import { defaultGuildNotificationSettings } from '@shared/notifications/defaults';
import { createNotificationSettingsStore, type NotificationSettingsPort } from './notification-settings.store';

const guildId = 'a'.repeat(24);
const channelId = 'b'.repeat(24);

describe('notification settings store', () => {
  it('when I mute a channel, then it shows at once and the server answer replaces it', async () => {
    let resolve: (s: GuildNotificationSettings) => void = () => undefined;
    const api: NotificationSettingsPort = {
      updateGuild: () => Promise.reject(new Error('unused')),
      updateChannel: () => new Promise((r) => (resolve = r)),
    };
    const store = createNotificationSettingsStore({ api: () => api });
    const pending = store.getState().updateChannel(guildId, channelId, { level: 'inherit', muted: true, muteUntil: null });
    expect(store.getState().byGuild[guildId]?.channels).toEqual([{ channelId, level: 'inherit', muted: true, muteUntil: null }]);
    const saved = {
      ...defaultGuildNotificationSettings(guildId),
      channels: [{ channelId, level: 'all' as const, muted: true, muteUntil: null }],
    };
    resolve(saved);
    expect(await pending).toEqual({ ok: true, value: saved });
    expect(store.getState().byGuild[guildId]).toEqual(saved);
  });

  it('when the server refuses a change, then the settings before it come back', async () => {
    const api: NotificationSettingsPort = {
      updateGuild: () => Promise.reject(new Error('nope')),
      updateChannel: () => Promise.reject(new Error('nope')),
    };
    const store = createNotificationSettingsStore({ api: () => api });
    store.getState().apply({ ...defaultGuildNotificationSettings(guildId), level: 'all' });
    const r = await store.getState().updateGuild(guildId, { level: 'nothing', suppressRoles: false, muted: false, muteUntil: null });
    expect(r.ok).toBe(false);
    expect(store.getState().byGuild[guildId]?.level).toBe('all');
  });

  it('when a channel goes back to inherit and unmuted, then its override disappears', async () => {
    const api: NotificationSettingsPort = {
      updateGuild: () => Promise.reject(new Error('unused')),
      updateChannel: () => new Promise(() => undefined),
    };
    const store = createNotificationSettingsStore({ api: () => api });
    store
      .getState()
      .apply({ ...defaultGuildNotificationSettings(guildId), channels: [{ channelId, level: 'all', muted: false, muteUntil: null }] });
    void store.getState().updateChannel(guildId, channelId, { level: 'inherit', muted: false, muteUntil: null });
    expect(store.getState().byGuild[guildId]?.channels).toEqual([]);
  });
});
