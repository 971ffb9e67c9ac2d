import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  GuildNotificationSettings,
  UpdateChannelNotificationSettingsBody,
  UpdateGuildNotificationSettingsBody,
} from '@shared/api/notification-settings';
import { defaultGuildNotificationSettings } from '@shared/notifications/defaults';
import { failure, ok, type Result } from '../../api/result';

/**
 * My notification settings per guild, the server's copy: from READY / GUILD_CREATE, from NOTIFICATION_SETTINGS_UPDATE
 * (my other sessions) and from the answers to my own changes. A change shows at once and is replaced by the server's
 * answer; a refused one is put back.
 */
export interface NotificationSettingsState {
  byGuild: Record<string, GuildNotificationSettings>;
}

export interface NotificationSettingsActions {
  /** The server's whole settings of a guild (snapshot, event, answer). */
  apply(settings: GuildNotificationSettings): void;
  updateGuild(guildId: string, body: UpdateGuildNotificationSettingsBody): Promise<Result<GuildNotificationSettings>>;
  updateChannel(
    guildId: string,
    channelId: string,
    body: UpdateChannelNotificationSettingsBody,
  ): Promise<Result<GuildNotificationSettings>>;
  remove(guildId: string): void;
  reset(): void;
}

export type NotificationSettingsStore = StoreApi<NotificationSettingsState & NotificationSettingsActions>;

export interface NotificationSettingsPort {
  updateGuild(guildId: string, body: UpdateGuildNotificationSettingsBody): Promise<GuildNotificationSettings>;
  updateChannel(channelId: string, body: UpdateChannelNotificationSettingsBody): Promise<GuildNotificationSettings>;
}

export function createNotificationSettingsStore(deps: { api: () => NotificationSettingsPort }): NotificationSettingsStore {
  const store = createStore<NotificationSettingsState & NotificationSettingsActions>()((set, get) => {
    const current = (guildId: string) => get().byGuild[guildId] ?? defaultGuildNotificationSettings(guildId);
    const put = (s: GuildNotificationSettings) => set({ byGuild: { ...get().byGuild, [s.guildId]: s } });

    async function change(
      before: GuildNotificationSettings,
      optimistic: GuildNotificationSettings,
      request: () => Promise<GuildNotificationSettings>,
    ): Promise<Result<GuildNotificationSettings>> {
      put(optimistic);
      try {
        const saved = await request();
        put(saved);
        return ok(saved);
      } catch (e) {
        put(before);
        return failure(e);
      }
    }

    return {
      byGuild: {},
      apply: put,
      updateGuild(guildId, body) {
        const before = current(guildId);
        return change(before, { ...before, ...body }, () => deps.api().updateGuild(guildId, body));
      },
      updateChannel(guildId, channelId, body) {
        const before = current(guildId);
        const others = before.channels.filter((c) => c.channelId !== channelId);
        const channels = body.level === 'inherit' && !body.muted ? others : [...others, { channelId, ...body }];
        return change(before, { ...before, channels }, () => deps.api().updateChannel(channelId, body));
      },
      remove(guildId) {
        const { [guildId]: _gone, ...rest } = get().byGuild;
        set({ byGuild: rest });
      },
      reset: () => set({ byGuild: {} }),
    };
  });
  return store;
}
