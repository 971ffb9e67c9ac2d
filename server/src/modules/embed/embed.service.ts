import { randomBytes } from 'node:crypto';
import { GUEST_IDENTITY_PREFIX, type EmbedGuestToken, type EmbedSettings, type UpdateEmbedSettingsBody } from '@shared/api/embed';
import { voiceRoomName } from '@shared/api/voice';
import { computePermissions, hasPermission, Permission } from '@shared/permissions/permissions';
import { AppError } from '../../errors';
import type { VoiceTokenIssuer } from '../../livekit/tokens';
import type { Logger } from '../../logger';
import type { PermissionService } from '../../permissions/permission.service';
import type { CachedReads } from '../../db/repos';
import type { AuditService } from '../audit/audit.service';
import type { EmbedRepo } from './embed.repo';

export interface EmbedServiceDeps {
  repo: EmbedRepo;
  reads: Pick<CachedReads, 'guilds' | 'roles' | 'channels'>;
  permissions: PermissionService;
  audit: AuditService;
  tokens: VoiceTokenIssuer;
  /** How many are in a room now (LiveKit's list): guests take no seat, so the channel's limit is checked against it. */
  countInRoom: (room: string) => Promise<number>;
  /** The channel's limit as voice enforces it (its own, or VOICE_MAX_PARTICIPANTS when lower); 0 = none. */
  limitOf: (userLimit: number) => number;
  livekitPublicUrl: string;
  /** Production accepts only https origins (a page served over http can be altered on the way, widget and all). */
  requireHttps: boolean;
  log: Logger;
}

/** A voice channel's framing and guest rights, as the page route and the token route see them. */
export interface EmbedAccess {
  guildId: string;
  channel: { id: string; name: string };
  allowedOrigins: string[];
  guestAccess: EmbedSettings['guestAccess'];
  /** What @everyone may do in the channel: a guest never gets more than the least-privileged member. */
  everyone: { connect: boolean; speak: boolean };
  userLimit: number;
}

/** Whether guests may connect to the channel and speak there: the guild allows guests, and @everyone may. */
export function guestRightsOf(a: EmbedAccess): { connect: boolean; speak: boolean } {
  // A widget no page may frame has no guests.
  const on = a.guestAccess !== 'off' && a.allowedOrigins.length > 0;
  return { connect: on && a.everyone.connect, speak: on && a.everyone.connect && a.guestAccess === 'speak' && a.everyone.speak };
}

/** Embed settings per guild and guest tokens for the voice widget. */
export function createEmbedService(deps: EmbedServiceDeps) {
  const { repo, reads, permissions, audit, tokens, log } = deps;

  /** The channel's embed access, or null when it is not a guild voice channel (the widget then frames nowhere). */
  async function access(channelId: string): Promise<EmbedAccess | null> {
    const channel = await reads.channels.find(channelId);
    if (!channel || channel.guildId === null || channel.type !== 'voice') return null;
    const guildId = channel.guildId;
    const [guild, roles, settings, category] = await Promise.all([
      reads.guilds.findGuild(guildId),
      reads.roles.listByGuild(guildId),
      repo.find(guildId),
      channel.parentId ? reads.channels.find(channel.parentId) : Promise.resolve(null),
    ]);
    if (!guild) return null;
    // @everyone's rights in this channel: computed for nobody in particular (no user id matches an overwrite or the owner).
    const perms = computePermissions({
      userId: '',
      guildId,
      ownerId: guild.ownerId,
      roles,
      memberRoleIds: [],
      category: category ? { overwrites: category.overwrites } : null,
      channel: { overwrites: channel.overwrites },
    });
    return {
      guildId,
      channel: { id: channel.id, name: channel.name },
      allowedOrigins: settings.allowedOrigins,
      guestAccess: settings.guestAccess,
      everyone: { connect: hasPermission(perms, Permission.CONNECT), speak: hasPermission(perms, Permission.SPEAK) },
      userLimit: channel.userLimit ?? 0,
    };
  }

  return {
    access,

    async settings(userId: string, guildId: string): Promise<EmbedSettings> {
      await permissions.requireGuildPermission(userId, guildId, 'MANAGE_GUILD');
      return repo.find(guildId);
    },

    async updateSettings(userId: string, guildId: string, body: UpdateEmbedSettingsBody): Promise<EmbedSettings> {
      await permissions.requireGuildPermission(userId, guildId, 'MANAGE_GUILD');
      if (deps.requireHttps && body.allowedOrigins) {
        const plain = body.allowedOrigins.findIndex((o) => !o.startsWith('https://'));
        if (plain >= 0)
          throw AppError.validation('Only https origins may embed on this server', [
            { path: `body.allowedOrigins.${plain}`, message: 'must be https' },
          ]);
      }
      const current = await repo.find(guildId);
      const next = {
        guildId,
        allowedOrigins: body.allowedOrigins ? [...new Set(body.allowedOrigins)] : current.allowedOrigins,
        guestAccess: body.guestAccess ?? current.guestAccess,
      };
      await repo.save(next);
      await audit.record({
        guildId,
        action: 'guild.update',
        actorId: userId,
        targetId: guildId,
        details: { embed: { allowedOrigins: next.allowedOrigins, guestAccess: next.guestAccess } },
      });
      return next;
    },

    /**
     * A guest's join token. Refused (403 FORBIDDEN) unless the guild allows guests and lists at least one origin (a
     * widget no page may frame has no guests), and @everyone may connect to the channel; the microphone only with
     * `speak` and @everyone's SPEAK. 404 when the channel is not a guild voice channel; 403 CHANNEL_FULL at its limit.
     */
    async guestToken(channelId: string): Promise<EmbedGuestToken> {
      const a = await access(channelId);
      if (!a) throw AppError.notFound('Channel');
      if (a.guestAccess === 'off' || a.allowedOrigins.length === 0) {
        log.info({ channelId, guildId: a.guildId }, 'embed guest refused: guests off');
        throw AppError.forbidden('This server does not allow guests in its voice widget');
      }
      if (!a.everyone.connect) {
        log.info({ channelId, guildId: a.guildId }, 'embed guest refused: @everyone may not connect');
        throw AppError.forbidden('Guests may not join this channel');
      }
      // Members hold exact seats; a guest is counted against who is in the room now, so a burst of guests can pass
      // the limit by a few, never by many (each token also lasts only VOICE_TOKEN_TTL_SECONDS).
      const limit = deps.limitOf(a.userLimit);
      if (limit > 0 && (await deps.countInRoom(voiceRoomName(a.channel.id))) >= limit) {
        throw new AppError('CHANNEL_FULL', 'This voice channel is full');
      }
      const canSpeak = guestRightsOf(a).speak;
      const suffix = randomBytes(6).toString('hex');
      const identity = `${GUEST_IDENTITY_PREFIX}${suffix}`;
      const token = await tokens.issue({
        userId: identity,
        displayName: `Guest ${suffix.slice(0, 4)}`,
        room: voiceRoomName(a.channel.id),
        rights: { microphone: canSpeak, camera: false, screenShare: false, canSubscribe: true },
      });
      log.info({ channelId, guildId: a.guildId, identity, canSpeak }, 'embed guest token issued');
      return { url: deps.livekitPublicUrl, token, identity, channel: a.channel, canSpeak, expiresInSeconds: tokens.ttlSeconds };
    },
  };
}
export type EmbedService = ReturnType<typeof createEmbedService>;
