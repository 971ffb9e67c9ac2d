import { DOCTOR_ROOM, DOCTOR_WEBHOOK_KEY_PREFIX } from '@shared/api/recordings';
import { VOICE_ROOM_PREFIX } from '@shared/api/voice';
import { hasPermission, Permission } from '@shared/permissions/permissions';
import { egressFactFromWebhook, createRecordingEgress, createRoomRecordingMetadata, type EgressFact } from '../../livekit/egress';
import { livekitWebhookBus } from '../../livekit/webhooks';
import { AppError } from '../../errors';
import { messageView } from '../../http/views';
import type { ModuleContext, ServerModule } from '../context';
import { createRecordingsRepo } from './recordings.repo';
import { registerRecordingRoutes } from './recordings.routes';
import { createRecordingsService, type RecordingAccess, type RecordingNotices, type RecordingsService } from './recordings.service';
import { createRecordingStorage, s3SettingsFrom } from './recordings.storage';
import { createFileTickets } from './file-tickets';

/** How often the module catches up on missed egress webhooks and applies retention. */
const HOUSEKEEPING_INTERVAL_MS = 60_000;
/** The start response and the egress_started webhook race; give the start request time to store the egress id. */
const UNKNOWN_EGRESS_RETRIES = 6;
const UNKNOWN_EGRESS_DELAY_MS = 250;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Recordings: audio-only LiveKit Egress per voice channel, with consent (room metadata, channel notice, audit log),
 * webhook-driven status, download with HTTP Range, and per-guild retention.
 */
export function recordingsModule(ctx: ModuleContext): ServerModule {
  const { config, log } = ctx;
  const repo = createRecordingsRepo(ctx.db);
  const storage = createRecordingStorage({ recordingsDir: config.RECORDINGS_DIR, s3: s3SettingsFrom(config) });

  const access: RecordingAccess = {
    async recordableChannel(userId, channelId) {
      const { channel } = await ctx.permissions.requireGuildChannelPermission(userId, channelId, 'RECORD');
      if (channel.type !== 'voice') throw new AppError('WRONG_CHANNEL_TYPE', 'Only voice channels can be recorded');
      return { guildId: channel.guildId, channelId: channel.id };
    },
    async recordingAccess(userId, rec) {
      const guildAccess = await ctx.permissions.requireGuildMember(userId, rec.guildId).catch(() => {
        throw AppError.notFound('Recording');
      });
      const manager = hasPermission(guildAccess.permissions, Permission.MANAGE_GUILD);
      const channel = await ctx.repos.channels.find(rec.channelId);
      // Recordings of a deleted channel stay reachable for guild managers (to download or delete them).
      if (!channel) {
        if (!manager) throw AppError.notFound('Recording');
        return { manager };
      }
      const seen = await ctx.permissions.guildChannelAccess(userId, channel);
      if (!seen) throw AppError.notFound('Recording');
      if (!hasPermission(seen.permissions, Permission.RECORD)) throw AppError.forbidden('Missing permission RECORD');
      return { manager };
    },
    async visibleRecordingChannels(userId, guildId) {
      const guildAccess = await ctx.permissions.requireGuildMember(userId, guildId);
      const channels = await ctx.repos.channels.listByGuild(guildId);
      const channelIds = ctx.permissions
        .visibleChannels(guildAccess, channels)
        .filter((c) => c.channel.type === 'voice' && hasPermission(c.permissions, Permission.RECORD))
        .map((c) => c.channel.id);
      const manager = hasPermission(guildAccess.permissions, Permission.MANAGE_GUILD);
      return { channelIds, existing: manager ? channels.map((c) => c.id) : null };
    },
    async requireManageGuild(userId, guildId) {
      await ctx.permissions.requireGuildPermission(userId, guildId, 'MANAGE_GUILD');
    },
    async actor(userId) {
      const user = await ctx.repos.users.findById(userId);
      if (!user) throw new AppError('UNAUTHENTICATED', 'Account not found');
      return { id: user.id, displayName: user.displayName };
    },
  };

  const notices: RecordingNotices = {
    async channelNotice(rec, actor, text) {
      // Messages need an author: the person who acted, or for system events (egress ended or failed) the starter.
      const authorId = actor?.id ?? rec.startedBy.id;
      const author = await ctx.repos.users.findById(authorId);
      if (!author) return;
      const icon = text.startsWith('Recording failed') ? '⚠️' : text.startsWith('started') ? '🔴' : '⏹️';
      const stored = await ctx.repos.messages.insert({
        channelId: rec.channelId,
        guildId: rec.guildId,
        authorId,
        content: `${icon} ${text}`,
        nonce: null,
        mentions: [],
        createdAt: ctx.clock.now(),
        editedAt: null,
      });
      // Without a nonce every insert stores a new message.
      if (stored.status === 'nonce-spent') return;
      const view = messageView(stored.record, {
        id: author.id,
        username: author.username,
        displayName: author.displayName,
        avatar: author.avatar,
      });
      await ctx.gateway.publishToGuild(rec.guildId, 'MESSAGE_CREATE', view, { channelId: rec.channelId });
    },
    async audit(rec, action, actorId, details) {
      await ctx.audit.record({ guildId: rec.guildId, action, actorId, targetId: rec.id, details });
    },
    async updated(view) {
      await ctx.gateway.publishToGuild(view.guildId, 'RECORDING_UPDATE', view, { channelId: view.channelId });
    },
    async deleted(rec) {
      await ctx.gateway.publishToGuild(
        rec.guildId,
        'RECORDING_DELETE',
        { id: rec.id, guildId: rec.guildId, channelId: rec.channelId },
        { channelId: rec.channelId },
      );
    },
    failedToStarter(view, reason) {
      ctx.gateway.publishToUser(view.startedBy.id, 'RECORDING_FAILED', { recording: view, reason });
    },
  };

  const service = createRecordingsService({
    repo,
    storage,
    egress: createRecordingEgress({ url: config.LIVEKIT_URL, apiKey: config.LIVEKIT_API_KEY, apiSecret: config.LIVEKIT_API_SECRET }),
    roomMetadata: createRoomRecordingMetadata(ctx.livekit),
    access,
    notices,
    tickets: createFileTickets(config.JWT_SECRET, ctx.clock),
    clock: ctx.clock,
    log,
    onOutcome: (outcome) => {
      if (outcome === 'started') ctx.metrics.recordings.started.inc();
      else ctx.metrics.recordings.failed.inc({ stage: outcome === 'failed:start' ? 'start' : 'egress' });
    },
  });
  instances.set(ctx.gateway, service);

  async function onEgressFact(fact: EgressFact): Promise<void> {
    for (let attempt = 0; attempt < UNKNOWN_EGRESS_RETRIES; attempt += 1) {
      if (await service.applyEgressFact(fact)) return;
      // Only egress we started can be ours; a room that isn't a voice room was never recorded by Parley.
      if (!fact.roomName.startsWith(VOICE_ROOM_PREFIX)) return;
      await sleep(UNKNOWN_EGRESS_DELAY_MS);
    }
    log.info({ egressId: fact.egressId, state: fact.state }, 'egress webhook for an unknown recording ignored');
  }

  let unsubscribe: (() => void) | null = null;
  let timer: NodeJS.Timeout | null = null;
  let housekeeping: Promise<void> = Promise.resolve();
  const runHousekeeping = () => {
    housekeeping = (async () => {
      await service.reconcile().catch((err: unknown) => log.warn({ err }, 'recording reconcile failed'));
      await service.sweep().catch((err: unknown) => log.warn({ err }, 'recording retention sweep failed'));
    })();
  };

  return {
    name: 'recordings',
    api: registerRecordingRoutes(ctx.createApiRouter(), service),
    async init() {
      await repo.ensureIndexes();
      unsubscribe = livekitWebhookBus(ctx.gateway).subscribe(async (event) => {
        const fact = egressFactFromWebhook(event);
        if (fact) await onEgressFact(fact);
        // `npm run doctor` creates a throwaway room and waits for this mark to prove LiveKit's webhooks reach us.
        const room = event.room?.name ?? '';
        if (DOCTOR_ROOM.test(room) && ctx.redis) {
          await ctx.redis
            .set(`${DOCTOR_WEBHOOK_KEY_PREFIX}${room}`, event.event, 'EX', 600)
            .catch((err: unknown) => log.warn({ err }, 'doctor webhook mark not stored'));
        }
      });
      timer = setInterval(runHousekeeping, HOUSEKEEPING_INTERVAL_MS);
      timer.unref();
    },
    async stop() {
      unsubscribe?.();
      if (timer) clearInterval(timer);
      await housekeeping;
    },
  };
}

const instances = new WeakMap<object, RecordingsService>();

/** The recordings service of a running server, by its gateway publisher (tests run `sweep()` / `reconcile()`). */
export function recordingsOf(gateway: object): RecordingsService | undefined {
  return instances.get(gateway);
}
