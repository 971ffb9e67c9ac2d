import { defaultGuildNotificationSettings } from '@shared/notifications/defaults';
import {
  ChannelNotificationLevel,
  NotificationLevel,
  type ChannelNotificationSettings,
  type GuildNotificationSettings,
  type UpdateChannelNotificationSettingsBody,
  type UpdateGuildNotificationSettingsBody,
} from '@shared/api/notification-settings';
import type { Clock } from '../../clock';
import type { CachedReads } from '../../db/repos';
import { AppError } from '../../errors';
import type { GatewayPublisher } from '../../gateway/gateway';
import type { PermissionService } from '../../permissions/permission.service';
import type { NotificationSettingsRepo, StoredNotificationSettings } from './notification-settings.repo';

/**
 * Notification settings: a member's choice per guild and per channel, replaced whole on every write. Each change
 * reaches all of the user's sessions as NOTIFICATION_SETTINGS_UPDATE with the guild's whole settings.
 */
export function createNotificationSettingsService(deps: {
  repo: NotificationSettingsRepo;
  cachedReads: CachedReads;
  permissions: PermissionService;
  gateway: GatewayPublisher;
  clock: Clock;
}) {
  const { repo, cachedReads, permissions, gateway, clock } = deps;

  /** The guild's settings as the user sees them: stored values over the defaults, overrides of `visible` channels only. */
  function view(guildId: string, stored: readonly StoredNotificationSettings[], visible: ReadonlySet<string>): GuildNotificationSettings {
    const out = defaultGuildNotificationSettings(guildId);
    const channels: ChannelNotificationSettings[] = [];
    for (const s of stored) {
      const mute = { muted: s.muted, muteUntil: s.muteUntil ? s.muteUntil.toISOString() : null };
      if (s.channelId === null) {
        const level = NotificationLevel.safeParse(s.level);
        Object.assign(out, { level: level.success ? level.data : out.level, suppressRoles: s.suppressRoles, ...mute });
      } else if (visible.has(s.channelId)) {
        const level = ChannelNotificationLevel.safeParse(s.level);
        channels.push({ channelId: s.channelId, level: level.success ? level.data : 'inherit', ...mute });
      }
    }
    out.channels = channels.sort((a, b) => (a.channelId < b.channelId ? -1 : 1));
    return out;
  }

  async function current(userId: string, guildId: string): Promise<GuildNotificationSettings> {
    const access = await permissions.requireGuildMember(userId, guildId);
    const visible = permissions.visibleChannels(access, await cachedReads.channels.listByGuild(guildId)).map((v) => v.channel.id);
    return view(guildId, await repo.listByUserGuild(userId, guildId), new Set(visible));
  }

  async function publish(userId: string, guildId: string): Promise<GuildNotificationSettings> {
    const settings = await current(userId, guildId);
    gateway.publishToUser(userId, 'NOTIFICATION_SETTINGS_UPDATE', settings);
    return settings;
  }

  const muteUntil = (iso: string | null) => (iso === null ? null : new Date(iso));

  return {
    async updateGuild(userId: string, guildId: string, body: UpdateGuildNotificationSettingsBody): Promise<GuildNotificationSettings> {
      await permissions.requireGuildMember(userId, guildId);
      await repo.put(
        userId,
        {
          guildId,
          channelId: null,
          level: body.level,
          suppressRoles: body.suppressRoles,
          muted: body.muted,
          muteUntil: body.muted ? muteUntil(body.muteUntil) : null,
        },
        clock.now(),
      );
      return publish(userId, guildId);
    },

    async updateChannel(
      userId: string,
      channelId: string,
      body: UpdateChannelNotificationSettingsBody,
    ): Promise<GuildNotificationSettings> {
      const { channel } = await permissions.requireGuildChannelPermission(userId, channelId, 'VIEW_CHANNEL');
      if (channel.type === 'category') throw new AppError('WRONG_CHANNEL_TYPE', 'Categories have no messages');
      if (body.level === 'inherit' && !body.muted) await repo.removeChannel(userId, channelId);
      else
        await repo.put(
          userId,
          {
            guildId: channel.guildId,
            channelId,
            level: body.level,
            suppressRoles: false,
            muted: body.muted,
            muteUntil: body.muted ? muteUntil(body.muteUntil) : null,
          },
          clock.now(),
        );
      return publish(userId, channel.guildId);
    },

    /** READY / GUILD_CREATE: the user's settings of a guild they are a member of, given the channels they see. */
    async snapshot(userId: string, guildId: string, visibleChannelIds: readonly string[]): Promise<GuildNotificationSettings> {
      return view(guildId, await repo.listByUserGuild(userId, guildId), new Set(visibleChannelIds));
    },
  };
}
