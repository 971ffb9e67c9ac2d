import { voiceRoomName } from '@shared/api/voice';
import type { Recording, RecordingActor, RecordingSettings, RecordingsQuery } from '@shared/api/recordings';
import type { Clock } from '../../clock';
import { newId } from '../../db/ids';
import { AppError } from '../../errors';
import type { EgressFact, RecordingEgress, RoomRecordingMetadata } from '../../livekit/egress';
import { EgressUnavailableError } from '../../livekit/egress';
import type { Logger } from '../../logger';
import { UNFINISHED, type RecordingRecord, type RecordingsRepo } from './recordings.repo';
import type { RecordingStorage } from './recordings.storage';
import type { FileTickets } from './file-tickets';

/** How long starts are refused at once after Egress could not take a recording. */
export const EGRESS_RETRY_AFTER_SECONDS = 30;

/** Permission answers the service needs; the module adapts the server's PermissionService to this. */
export interface RecordingAccess {
  /** The voice channel `userId` may record in (RECORD), or NOT_FOUND / FORBIDDEN / WRONG_CHANNEL_TYPE. */
  recordableChannel(userId: string, channelId: string): Promise<{ guildId: string; channelId: string }>;
  /** May `userId` see this recording? Throws NOT_FOUND / FORBIDDEN. `manager`: may manage every recording of the guild. */
  recordingAccess(userId: string, rec: { guildId: string; channelId: string }): Promise<{ manager: boolean }>;
  /**
   * Channel ids of a guild whose recordings `userId` may see (NOT_FOUND when not a member). `existing`, for guild
   * managers only: every channel the guild still has, so that recordings of deleted channels (any channel id not
   * among them) are listed too, as `recordingAccess` lets managers reach them; null for everyone else.
   */
  visibleRecordingChannels(userId: string, guildId: string): Promise<{ channelIds: string[]; existing: string[] | null }>;
  requireManageGuild(userId: string, guildId: string): Promise<void>;
  actor(userId: string): Promise<RecordingActor>;
}

/** How the world learns about recordings: the channel, the audit log and the gateway. */
export interface RecordingNotices {
  channelNotice(rec: RecordingRecord, actor: RecordingActor | null, text: string): Promise<void>;
  audit(
    rec: RecordingRecord,
    action: 'recording.start' | 'recording.stop',
    actorId: string | null,
    details: Record<string, unknown>,
  ): Promise<void>;
  updated(view: Recording): Promise<void>;
  deleted(rec: RecordingRecord): Promise<void>;
  failedToStarter(view: Recording, reason: string): void;
}

export interface RecordingsDeps {
  repo: RecordingsRepo;
  storage: RecordingStorage;
  egress: RecordingEgress;
  roomMetadata: RoomRecordingMetadata;
  access: RecordingAccess;
  notices: RecordingNotices;
  tickets: FileTickets;
  clock: Clock;
  log: Logger;
  /** Told when Egress accepts a recording, and when one fails (`start`: Egress refused it; `egress`: it failed later). */
  onOutcome?: (outcome: 'started' | 'failed:start' | 'failed:egress') => void;
}

const DAY_MS = 86_400_000;

export function recordingView(rec: RecordingRecord, retentionDays: number | null): Recording {
  return {
    id: rec.id,
    guildId: rec.guildId,
    channelId: rec.channelId,
    status: rec.status,
    startedBy: rec.startedBy,
    stoppedBy: rec.stoppedBy,
    startedAt: rec.startedAt.toISOString(),
    endedAt: rec.endedAt ? rec.endedAt.toISOString() : null,
    durationMs: rec.durationMs,
    sizeBytes: rec.sizeBytes,
    mimeType: 'audio/ogg',
    error: rec.error,
    expiresAt: rec.endedAt && retentionDays ? new Date(rec.endedAt.getTime() + retentionDays * DAY_MS).toISOString() : null,
  };
}

function formatDuration(ms: number | null): string {
  if (ms === null) return '';
  const s = Math.round(ms / 1000);
  return ` (${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')})`;
}

export type RecordingsService = ReturnType<typeof createRecordingsService>;

export function createRecordingsService(deps: RecordingsDeps) {
  const { repo, storage, egress, roomMetadata, access, notices, tickets, clock, log } = deps;

  const view = async (rec: RecordingRecord): Promise<Recording> => recordingView(rec, await repo.getRetentionDays(rec.guildId));

  async function publish(rec: RecordingRecord): Promise<Recording> {
    const v = await view(rec);
    await notices.updated(v).catch((err: unknown) => log.warn({ err, recordingId: rec.id }, 'recording update not published'));
    return v;
  }

  /** Takes the REC notice off the room, unless a newer recording already owns it. */
  async function clearRoomNotice(rec: RecordingRecord): Promise<void> {
    try {
      await roomMetadata.setRecording(rec.roomName, null, rec.id);
    } catch (err) {
      log.warn({ err, recordingId: rec.id }, 'could not clear room recording metadata');
    }
  }

  async function loadVisible(userId: string, recordingId: string): Promise<{ rec: RecordingRecord; manager: boolean }> {
    const rec = await repo.find(recordingId);
    if (!rec) throw AppError.notFound('Recording');
    const { manager } = await access.recordingAccess(userId, rec);
    return { rec, manager };
  }

  /**
   * Everything that happens once when a recording stops capturing, whoever noticed first (a user's stop, the egress
   * webhook, the reconciler): the room notice goes away, the channel and the audit log say so.
   */
  async function giveEndNotice(rec: RecordingRecord, stoppedBy: RecordingActor | null, reason: string | null): Promise<RecordingRecord> {
    const claimed = await repo.claimEndNotice(rec.id);
    if (!claimed) return (await repo.find(rec.id)) ?? rec;
    await clearRoomNotice(rec);
    const text = reason
      ? `Recording failed: ${reason}`
      : stoppedBy
        ? `stopped recording this channel${formatDuration(claimed.durationMs)}.`
        : `Recording ended${formatDuration(claimed.durationMs)}.`;
    await notices.channelNotice(rec, stoppedBy, text).catch((err: unknown) => log.warn({ err }, 'recording notice failed'));
    await notices.audit(rec, 'recording.stop', stoppedBy?.id ?? null, {
      channelId: rec.channelId,
      recordingId: rec.id,
      ...(reason ? { error: reason } : {}),
    });
    return claimed;
  }

  async function fail(rec: RecordingRecord, reason: string): Promise<RecordingRecord> {
    const failed = await repo.transition(rec.id, UNFINISHED, { status: 'failed', error: reason, endedAt: rec.endedAt ?? clock.now() });
    if (!failed) return (await repo.find(rec.id)) ?? rec;
    log.warn({ recordingId: rec.id, egressId: rec.egressId, reason }, 'recording failed');
    deps.onOutcome?.('failed:egress');
    const noticed = await giveEndNotice(failed, null, reason);
    const v = await publish(noticed);
    notices.failedToStarter(v, reason);
    return noticed;
  }

  /**
   * After Egress failed to take a recording (no worker, or no answer within the client's timeout), further starts are
   * answered 503 at once for a while instead of each waiting out that timeout again: a server without Egress gives a
   * fast "not available", and one whose recorder is back recovers after the window.
   */
  let egressDownUntil = 0;
  const recorderUnavailable = (message: string, retryAfterSeconds: number): AppError =>
    new AppError('DEPENDENCY_UNAVAILABLE', message, { retryAfterSeconds }, { 'Retry-After': String(retryAfterSeconds) });

  return {
    async start(userId: string, channelId: string): Promise<Recording> {
      const channel = await access.recordableChannel(userId, channelId);
      const actor = await access.actor(userId);
      const waitMs = egressDownUntil - clock.now().getTime();
      if (waitMs > 0) throw recorderUnavailable('No recorder is available right now; try again later', Math.ceil(waitMs / 1000));
      const id = newId();
      const now = clock.now();
      const roomName = voiceRoomName(channelId);
      let rec: RecordingRecord = {
        id,
        guildId: channel.guildId,
        channelId,
        roomName,
        egressId: null,
        status: 'starting',
        startedBy: actor,
        stoppedBy: null,
        startedAt: now,
        endedAt: null,
        durationMs: null,
        sizeBytes: null,
        error: null,
        storage: storage.kind,
        objectKey: storage.objectKeyFor(channel.guildId, id),
        endNoticeGiven: false,
      };
      if ((await repo.insert(rec)) === 'busy') throw new AppError('CONFLICT', 'This channel is already being recorded');

      // Consent first: the REC notice is in the room before Egress joins, so nobody is recorded unannounced.
      const noticed = await roomMetadata
        .setRecording(roomName, { active: true, recordingId: id, startedBy: actor, startedAt: now.toISOString() })
        .catch((err: unknown) => {
          log.error({ err, channelId }, 'could not set room recording metadata');
          return 'error' as const;
        });
      if (noticed !== true) {
        // A call that timed out may still have been applied: the notice must not stay up for a recording that is not.
        if (noticed === 'error') await clearRoomNotice(rec);
        await repo.delete(id);
        if (noticed === 'error') throw new AppError('DEPENDENCY_UNAVAILABLE', 'The voice server is not reachable');
        throw new AppError('CONFLICT', 'Nobody is in this voice channel');
      }

      let fact: EgressFact;
      try {
        const output = await storage.prepareOutput(rec.objectKey);
        fact = await egress.startAudioRecording(roomName, output);
      } catch (err) {
        await clearRoomNotice(rec);
        await repo.delete(id);
        egressDownUntil = clock.now().getTime() + EGRESS_RETRY_AFTER_SECONDS * 1000;
        deps.onOutcome?.('failed:start');
        if (err instanceof EgressUnavailableError) {
          log.warn({ err: err.message, channelId }, 'no egress worker accepted the recording');
          throw recorderUnavailable('No recorder is available right now; try again later', EGRESS_RETRY_AFTER_SECONDS);
        }
        log.error({ err, channelId }, 'egress start failed');
        throw recorderUnavailable('The recorder could not start', EGRESS_RETRY_AFTER_SECONDS);
      }

      deps.onOutcome?.('started');
      rec = (await repo.update(id, { egressId: fact.egressId })) ?? { ...rec, egressId: fact.egressId };
      // The start response and the egress_started webhook race; apply whatever the response already knows.
      rec = (await this.applyEgressFact(fact)) ?? rec;
      await notices
        .channelNotice(rec, actor, 'started recording this channel. Everyone in the voice channel is being recorded.')
        .catch((err: unknown) => log.warn({ err }, 'recording notice failed'));
      await notices.audit(rec, 'recording.start', userId, { channelId, recordingId: id });
      log.info({ recordingId: id, egressId: fact.egressId, channelId, userId }, 'recording started');
      return publish(rec);
    },

    async stop(userId: string, channelId: string, recordingId: string): Promise<Recording> {
      await access.recordableChannel(userId, channelId);
      const rec = await repo.find(recordingId);
      if (!rec || rec.channelId !== channelId) throw AppError.notFound('Recording');
      if (!UNFINISHED.includes(rec.status)) return view(rec);
      const actor = await access.actor(userId);
      if (rec.egressId) {
        try {
          await egress.stop(rec.egressId);
        } catch (err) {
          log.error({ err, recordingId }, 'egress stop failed');
          throw new AppError('DEPENDENCY_UNAVAILABLE', 'The recorder did not answer; try again');
        }
      }
      const stopping =
        (await repo.transition(recordingId, ['starting', 'active'], { status: 'stopping', stoppedBy: actor })) ??
        (await repo.find(recordingId)) ??
        rec;
      const noticed = await giveEndNotice(stopping, actor, null);
      log.info({ recordingId, userId }, 'recording stop requested');
      return publish(noticed);
    },

    /**
     * The channel is being deleted: a recording running in it is stopped (Egress told to stop; attributed to nobody, the
     * system ended it). The file Egress finishes stays a recording of the guild. Resolves null when none was running.
     */
    async stopForDeletedChannel(channelId: string): Promise<Recording | null> {
      const rec = await repo.findRunningInChannel(channelId);
      // A recording already stopping needs nothing more.
      if (!rec || (rec.status !== 'starting' && rec.status !== 'active')) return null;
      if (rec.egressId) {
        try {
          await egress.stop(rec.egressId);
        } catch (err) {
          // Closing the room ends the egress anyway; its webhook or the reconciler settles the record.
          log.warn({ err, recordingId: rec.id }, 'egress stop failed for a deleted channel');
        }
      }
      const stopping = (await repo.transition(rec.id, ['starting', 'active'], { status: 'stopping' })) ?? (await repo.find(rec.id)) ?? rec;
      const noticed = await giveEndNotice(stopping, null, null);
      log.info({ recordingId: rec.id, channelId }, 'recording stopped: its channel was deleted');
      return publish(noticed);
    },

    async listChannel(userId: string, channelId: string): Promise<Recording[]> {
      const channel = await access.recordableChannel(userId, channelId);
      const retention = await repo.getRetentionDays(channel.guildId);
      const items = await repo.listByGuild(channel.guildId, { limit: 100, channelIds: [channelId] });
      return items.map((r) => recordingView(r, retention));
    },

    async listGuild(userId: string, guildId: string, q: RecordingsQuery): Promise<{ items: Recording[]; nextCursor: string | null }> {
      const visible = await access.visibleRecordingChannels(userId, guildId);
      const deleted = (id: string) => visible.existing !== null && !visible.existing.includes(id);
      // One channel asked for: listed when visible, or (managers) when it was deleted. Otherwise every visible channel,
      // and for managers the deleted ones too (recordings whose channel is none of the guild's channels now).
      const channelIds = q.channelId ? [q.channelId].filter((id) => visible.channelIds.includes(id) || deleted(id)) : visible.channelIds;
      const notAmong = q.channelId ? null : visible.existing;
      const retention = await repo.getRetentionDays(guildId);
      const items =
        channelIds.length || notAmong ? await repo.listByGuild(guildId, { before: q.before, limit: q.limit, channelIds, notAmong }) : [];
      return {
        items: items.map((r) => recordingView(r, retention)),
        nextCursor: items.length === q.limit ? (items.at(-1)?.id ?? null) : null,
      };
    },

    async get(userId: string, recordingId: string): Promise<Recording> {
      const { rec } = await loadVisible(userId, recordingId);
      return view(rec);
    },

    /** What the file route should send: a local path or a short-lived S3 URL. */
    async file(
      userId: string,
      recordingId: string,
    ): Promise<{ kind: 'local'; path: string; rec: RecordingRecord } | { kind: 'redirect'; url: string; rec: RecordingRecord }> {
      const { rec } = await loadVisible(userId, recordingId);
      if (rec.status !== 'completed') throw new AppError('CONFLICT', 'The recording is not finished');
      const path = storage.localPath(rec);
      if (path) {
        if ((await storage.size(rec)) === null) throw AppError.notFound('Recording file');
        return { kind: 'local', path, rec };
      }
      const url = await storage.signedUrl(rec, 300);
      if (!url) throw new AppError('DEPENDENCY_UNAVAILABLE', 'Recording storage is not configured');
      return { kind: 'redirect', url, rec };
    },

    /** A ticket for streamFile: only for a finished recording the user may see now. */
    async fileTicket(userId: string, recordingId: string): Promise<{ ticket: string; expiresAt: string }> {
      const { rec } = await loadVisible(userId, recordingId);
      if (rec.status !== 'completed') throw new AppError('CONFLICT', 'The recording is not finished');
      const issued = tickets.issue(userId, recordingId);
      return { ticket: issued.ticket, expiresAt: issued.expiresAt.toISOString() };
    },

    /** What `file` answers, for the holder of a ticket: the ticket names the user, whose access is checked again now. */
    async fileByTicket(ticket: string, recordingId: string) {
      const userId = tickets.verify(ticket, recordingId);
      return this.file(userId, recordingId);
    },

    async remove(userId: string, recordingId: string): Promise<void> {
      const { rec, manager } = await loadVisible(userId, recordingId);
      if (!manager && rec.startedBy.id !== userId)
        throw AppError.forbidden('Only who started a recording, or a guild manager, may delete it');
      if (UNFINISHED.includes(rec.status)) throw new AppError('CONFLICT', 'Stop the recording before deleting it');
      await this.purge(rec);
      log.info({ recordingId, userId }, 'recording deleted');
    },

    /** Deletes file then record (a record without file would 404; a file without record would leak storage forever). */
    async purge(rec: RecordingRecord): Promise<void> {
      await storage.remove(rec);
      if (await repo.delete(rec.id))
        await notices.deleted(rec).catch((err: unknown) => log.warn({ err }, 'recording delete not published'));
    },

    async getSettings(userId: string, guildId: string): Promise<RecordingSettings> {
      await access.requireManageGuild(userId, guildId);
      return { retentionDays: await repo.getRetentionDays(guildId) };
    },

    async updateSettings(userId: string, guildId: string, body: RecordingSettings): Promise<RecordingSettings> {
      await access.requireManageGuild(userId, guildId);
      await repo.setRetentionDays(guildId, body.retentionDays);
      log.info({ guildId, userId, retentionDays: body.retentionDays }, 'recording retention changed');
      return { retentionDays: body.retentionDays };
    },

    /**
     * Applies what Egress reports (webhook, start response, reconciler) to the recording it belongs to. Idempotent and
     * monotonic: repeated or out-of-order events never move a recording backwards. Returns null for unknown egress.
     */
    async applyEgressFact(fact: EgressFact): Promise<RecordingRecord | null> {
      const rec = await repo.findByEgressId(fact.egressId);
      if (!rec) return null;
      switch (fact.state) {
        case 'starting':
          return rec;
        case 'active': {
          const next = await repo.transition(rec.id, ['starting'], { status: 'active' });
          if (next) await publish(next);
          return next ?? rec;
        }
        case 'ending': {
          const next = await repo.transition(rec.id, ['starting', 'active'], { status: 'stopping' });
          if (next) await publish(next);
          return next ?? rec;
        }
        case 'complete':
        case 'limit_reached': {
          const endedAt = fact.endedAtMs ? new Date(fact.endedAtMs) : clock.now();
          const startedAtMs = fact.startedAtMs ?? rec.startedAt.getTime();
          const size = fact.sizeBytes ?? (await storage.size(rec).catch(() => null));
          const completed = await repo.transition(rec.id, UNFINISHED, {
            status: 'completed',
            endedAt,
            durationMs: fact.durationMs ?? Math.max(0, endedAt.getTime() - startedAtMs),
            sizeBytes: size,
          });
          if (!completed) return rec;
          log.info({ recordingId: rec.id, durationMs: completed.durationMs, sizeBytes: size }, 'recording completed');
          const noticed = await giveEndNotice(completed, null, null);
          await publish(noticed);
          return noticed;
        }
        case 'failed':
        case 'aborted':
          return fail(rec, fact.error ?? (fact.state === 'aborted' ? 'the recorder stopped before it started' : 'the recorder failed'));
      }
    },

    /**
     * Catches up after missed webhooks (server restart, LiveKit restart): unfinished recordings whose egress is no
     * longer running are completed if a file exists, failed otherwise.
     */
    async reconcile(): Promise<void> {
      const unfinished = await repo.listUnfinished();
      if (!unfinished.length) return;
      const running = new Set((await egress.listActive()).map((f) => f.egressId));
      const graceMs = 60_000;
      for (const rec of unfinished) {
        if (rec.egressId && running.has(rec.egressId)) continue;
        if (clock.now().getTime() - rec.startedAt.getTime() < graceMs) continue;
        const size = await storage.size(rec).catch(() => null);
        if (size && rec.egressId) {
          const endedAt = clock.now();
          const completed = await repo.transition(rec.id, UNFINISHED, { status: 'completed', endedAt, sizeBytes: size, durationMs: null });
          if (completed) await publish(await giveEndNotice(completed, null, null));
        } else {
          await fail(rec, 'the recorder stopped unexpectedly');
        }
      }
    },

    /** Deletes finished recordings older than each guild's retention. Returns how many were deleted. */
    async sweep(): Promise<number> {
      let deleted = 0;
      for (const { guildId, retentionDays } of await repo.guildsWithRetention()) {
        const cutoff = new Date(clock.now().getTime() - retentionDays * DAY_MS);
        for (const rec of await repo.listEndedBefore(guildId, cutoff, 100)) {
          try {
            await this.purge(rec);
            deleted += 1;
          } catch (err) {
            log.error({ err, recordingId: rec.id }, 'retention delete failed');
          }
        }
      }
      if (deleted) log.info({ deleted }, 'retention sweep deleted recordings');
      return deleted;
    },
  };
}
