import { EgressInfo, EgressStatus } from 'livekit-server-sdk';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { recordingFromRoomMetadata, type Recording, type RoomRecordingState } from '@shared/api/recordings';
import { AppError } from '../../errors';
import {
  EgressUnavailableError,
  mergeRecordingMetadata,
  toEgressFact,
  type EgressFact,
  type RecordingEgress,
  type RecordingOutput,
  type RoomRecordingMetadata,
} from '../../livekit/egress';
import { FINISHED, UNFINISHED, type RecordingRecord, type RecordingsRepo, type RecordingUpdate } from './recordings.repo';
import { createRecordingsService, EGRESS_RETRY_AFTER_SECONDS, type RecordingAccess, type RecordingNotices } from './recordings.service';
import type { RecordingStorage } from './recordings.storage';
import { createFileTickets } from './file-tickets';

const GUILD = '6a0000000000000000000001';
const CHANNEL = '6a0000000000000000000002';
const OWNER = '6a0000000000000000000010';
const OTHER = '6a0000000000000000000011';

/** In-memory stand-in for recordings.repo.ts with the same invariants (one running recording per channel). */
function fakeRepo() {
  const rows = new Map<string, RecordingRecord & { activeKey: string }>();
  const retention = new Map<string, number | null>();
  const copy = (r: RecordingRecord & { activeKey: string }): RecordingRecord => {
    const { activeKey: _key, ...rest } = r;
    return structuredClone(rest);
  };
  const repo = {
    async ensureIndexes() {},
    async insert(r: RecordingRecord) {
      const activeKey = UNFINISHED.includes(r.status) ? r.channelId : r.id;
      if ([...rows.values()].some((x) => x.activeKey === activeKey)) return 'busy' as const;
      rows.set(r.id, { ...structuredClone(r), activeKey });
      return 'inserted' as const;
    },
    async find(id: string) {
      const r = rows.get(id);
      return r ? copy(r) : null;
    },
    async findByEgressId(egressId: string) {
      const r = [...rows.values()].find((x) => x.egressId === egressId);
      return r ? copy(r) : null;
    },
    async findRunningInChannel(channelId: string) {
      const r = [...rows.values()].find((x) => x.activeKey === channelId);
      return r ? copy(r) : null;
    },
    async transition(id: string, from: readonly string[], set: RecordingUpdate) {
      const r = rows.get(id);
      if (!r || !from.includes(r.status)) return null;
      Object.assign(r, set);
      if (set.status && FINISHED.includes(set.status)) r.activeKey = id;
      return copy(r);
    },
    async claimEndNotice(id: string) {
      const r = rows.get(id);
      if (!r || r.endNoticeGiven) return null;
      r.endNoticeGiven = true;
      return copy(r);
    },
    async update(id: string, set: RecordingUpdate) {
      const r = rows.get(id);
      if (!r) return null;
      Object.assign(r, set);
      return copy(r);
    },
    async listByGuild(guildId: string, q: { before?: string; limit: number; channelIds: readonly string[] }) {
      return [...rows.values()]
        .filter((r) => r.guildId === guildId && q.channelIds.includes(r.channelId) && (!q.before || r.id < q.before))
        .sort((a, b) => (a.id < b.id ? 1 : -1))
        .slice(0, q.limit)
        .map(copy);
    },
    async listUnfinished() {
      return [...rows.values()].filter((r) => UNFINISHED.includes(r.status)).map(copy);
    },
    async listEndedBefore(guildId: string, cutoff: Date, limit: number) {
      return [...rows.values()]
        .filter((r) => r.guildId === guildId && FINISHED.includes(r.status) && r.endedAt && r.endedAt < cutoff)
        .slice(0, limit)
        .map(copy);
    },
    async delete(id: string) {
      return rows.delete(id);
    },
    async getRetentionDays(guildId: string) {
      return retention.get(guildId) ?? null;
    },
    async setRetentionDays(guildId: string, days: number | null) {
      retention.set(guildId, days);
    },
    async guildsWithRetention() {
      return [...retention.entries()].flatMap(([guildId, days]) => (days ? [{ guildId, retentionDays: days }] : []));
    },
  };
  return { repo: repo as unknown as RecordingsRepo, rows };
}

function harness(options: { roomExists?: boolean; egressError?: Error; metadataSetTimesOut?: boolean } = {}) {
  const calls: string[] = [];
  const { repo, rows } = fakeRepo();
  let now = new Date('2026-01-10T12:00:00Z');
  const metadata = new Map<string, string>();
  if (options.roomExists !== false) metadata.set(`ch_${CHANNEL}`, JSON.stringify({ theme: 'kept' }));
  const roomMetadata: RoomRecordingMetadata = {
    async setRecording(room, state: RoomRecordingState, onlyIf) {
      if (!metadata.has(room)) return false;
      if (onlyIf && recordingFromRoomMetadata(metadata.get(room))?.recordingId !== onlyIf) return true;
      calls.push(state ? 'metadata:set' : 'metadata:clear');
      metadata.set(room, mergeRecordingMetadata(metadata.get(room), state));
      // LiveKit applied the write, but its answer came after our deadline.
      if (state && options.metadataSetTimesOut) throw new Error('LiveKit did not answer (timed out)');
      return true;
    },
  };
  let egressCounter = 0;
  const files = new Set<string>();
  const egress: RecordingEgress = {
    async startAudioRecording(roomName: string, output: RecordingOutput): Promise<EgressFact> {
      calls.push(`egress:start:${output.kind}`);
      if (options.egressError) throw options.egressError;
      egressCounter += 1;
      return {
        egressId: `EG_${egressCounter}`,
        roomName,
        state: 'starting',
        error: null,
        startedAtMs: null,
        endedAtMs: null,
        durationMs: null,
        sizeBytes: null,
        location: null,
      };
    },
    async stop(egressId) {
      calls.push(`egress:stop:${egressId}`);
    },
    async listActive() {
      return [];
    },
  };
  const storage: RecordingStorage = {
    kind: 'local',
    objectKeyFor: (guildId, id) => `${guildId}/${id}.ogg`,
    async prepareOutput(key) {
      return { kind: 'local', filepath: `/rec/${key}` };
    },
    localPath: (rec) => `/rec/${rec.objectKey}`,
    async size(rec) {
      return files.has(rec.objectKey) ? 1234 : null;
    },
    async signedUrl() {
      return null;
    },
    async remove(rec) {
      calls.push(`file:remove:${rec.id}`);
      files.delete(rec.objectKey);
    },
  };
  const access: RecordingAccess = {
    async recordableChannel(userId, channelId) {
      if (userId !== OWNER) throw AppError.forbidden('Missing permission RECORD');
      return { guildId: GUILD, channelId };
    },
    async recordingAccess(userId) {
      if (userId !== OWNER) throw AppError.forbidden('Missing permission RECORD');
      return { manager: true };
    },
    async visibleRecordingChannels(userId) {
      return userId === OWNER ? { channelIds: [CHANNEL], existing: [CHANNEL] } : { channelIds: [], existing: null };
    },
    async requireManageGuild(userId) {
      if (userId !== OWNER) throw AppError.forbidden();
    },
    async actor(userId) {
      return { id: userId, displayName: userId === OWNER ? 'Owner' : 'Other' };
    },
  };
  const updates: Recording[] = [];
  const failures: { view: Recording; reason: string }[] = [];
  const notices: RecordingNotices = {
    async channelNotice(_rec, actor, text) {
      calls.push(`notice:${actor?.displayName ?? 'system'}:${text}`);
    },
    async audit(_rec, action, actorId) {
      calls.push(`audit:${action}:${actorId ?? 'system'}`);
    },
    async updated(view) {
      updates.push(view);
    },
    async deleted(rec) {
      calls.push(`deleted:${rec.id}`);
    },
    failedToStarter(view, reason) {
      failures.push({ view, reason });
    },
  };
  const clock = { now: () => now };
  const outcomes: string[] = [];
  const service = createRecordingsService({
    repo,
    storage,
    egress,
    roomMetadata,
    access,
    notices,
    tickets: createFileTickets('t'.repeat(32), clock),
    clock,
    log: pino({ level: 'silent' }),
    onOutcome: (outcome) => outcomes.push(outcome),
  });
  const fact = (egressId: string, state: EgressFact['state'], extra: Partial<EgressFact> = {}): EgressFact => ({
    egressId,
    roomName: `ch_${CHANNEL}`,
    state,
    error: null,
    startedAtMs: null,
    endedAtMs: null,
    durationMs: null,
    sizeBytes: null,
    location: null,
    ...extra,
  });
  return {
    service,
    calls,
    rows,
    metadata,
    updates,
    failures,
    files,
    fact,
    advance: (ms: number) => (now = new Date(now.getTime() + ms)),
    repo,
    outcomes,
  };
}

describe('recordings service', () => {
  it('when a recording starts, then the room shows it before Egress is asked, and the channel and audit log are told', async () => {
    const h = harness();
    const rec = await h.service.start(OWNER, CHANNEL);
    expect(rec.status).toBe('starting');
    expect(h.calls.slice(0, 2)).toEqual(['metadata:set', 'egress:start:local']);
    expect(h.calls).toContain('audit:recording.start:' + OWNER);
    expect(h.calls.some((c) => c.startsWith('notice:Owner:started recording'))).toBe(true);
    const meta = JSON.parse(h.metadata.get(`ch_${CHANNEL}`) ?? '{}');
    expect(meta.theme).toBe('kept');
    expect(meta.recording).toEqual({
      active: true,
      recordingId: rec.id,
      startedBy: { id: OWNER, displayName: 'Owner' },
      startedAt: '2026-01-10T12:00:00.000Z',
    });
  });

  it('when the channel is already being recorded, then a second start is a CONFLICT', async () => {
    const h = harness();
    await h.service.start(OWNER, CHANNEL);
    await expect(h.service.start(OWNER, CHANNEL)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('when nobody is in the channel, then CONFLICT, Egress is never asked and nothing is stored', async () => {
    const h = harness({ roomExists: false });
    await expect(h.service.start(OWNER, CHANNEL)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(h.calls).not.toContain('egress:start:local');
    expect(h.rows.size).toBe(0);
  });

  it('when setting the REC notice times out although LiveKit applied it, then DEPENDENCY_UNAVAILABLE, the notice is taken off and nothing is stored', async () => {
    const h = harness({ metadataSetTimesOut: true });
    await expect(h.service.start(OWNER, CHANNEL)).rejects.toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' });
    expect(h.calls).toEqual(['metadata:set', 'metadata:clear']);
    expect(JSON.parse(h.metadata.get(`ch_${CHANNEL}`) ?? '{}')).toEqual({ theme: 'kept', recording: null });
    expect(h.rows.size).toBe(0);
  });

  it('when no Egress worker takes the job, then DEPENDENCY_UNAVAILABLE, the REC notice is removed and nothing is stored', async () => {
    const h = harness({ egressError: new EgressUnavailableError('no response from servers') });
    await expect(h.service.start(OWNER, CHANNEL)).rejects.toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' });
    expect(h.calls).toEqual(['metadata:set', 'egress:start:local', 'metadata:clear']);
    expect(JSON.parse(h.metadata.get(`ch_${CHANNEL}`) ?? '{}')).toEqual({ theme: 'kept', recording: null });
    expect(h.rows.size).toBe(0);
  });

  it('when Egress could not take a recording, then starts are refused at once with Retry-After until the window ends, then Egress is asked again', async () => {
    const h = harness({ egressError: new EgressUnavailableError('no response from servers') });
    await expect(h.service.start(OWNER, CHANNEL)).rejects.toMatchObject({
      code: 'DEPENDENCY_UNAVAILABLE',
      headers: { 'Retry-After': String(EGRESS_RETRY_AFTER_SECONDS) },
    });
    h.calls.length = 0;
    h.advance(10_000);
    await expect(h.service.start(OWNER, CHANNEL)).rejects.toMatchObject({
      code: 'DEPENDENCY_UNAVAILABLE',
      headers: { 'Retry-After': String(EGRESS_RETRY_AFTER_SECONDS - 10) },
    });
    expect(h.calls).toEqual([]);
    expect(h.rows.size).toBe(0);
    h.advance(EGRESS_RETRY_AFTER_SECONDS * 1000);
    await expect(h.service.start(OWNER, CHANNEL)).rejects.toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' });
    expect(h.calls).toContain('egress:start:local');
  });

  it('when a member without RECORD starts or stops, then FORBIDDEN', async () => {
    const h = harness();
    await expect(h.service.start(OTHER, CHANNEL)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('when Egress reports active then complete, then status follows, duration comes from the file, and the end is announced once', async () => {
    const h = harness();
    const rec = await h.service.start(OWNER, CHANNEL);
    await h.service.applyEgressFact(h.fact('EG_1', 'active'));
    expect((await h.service.get(OWNER, rec.id)).status).toBe('active');
    const complete = h.fact('EG_1', 'complete', { startedAtMs: 1000, endedAtMs: 7000, durationMs: 5012, sizeBytes: 40_000 });
    await h.service.applyEgressFact(complete);
    await h.service.applyEgressFact(complete); // LiveKit may deliver a webhook twice
    await h.service.applyEgressFact(h.fact('EG_1', 'active')); // or late
    const done = await h.service.get(OWNER, rec.id);
    expect(done).toMatchObject({ status: 'completed', durationMs: 5012, sizeBytes: 40_000, endedAt: new Date(7000).toISOString() });
    expect(h.calls.filter((c) => c.startsWith('audit:recording.stop'))).toHaveLength(1);
    expect(h.calls.filter((c) => c.includes('Recording ended (0:05)'))).toHaveLength(1);
    expect(JSON.parse(h.metadata.get(`ch_${CHANNEL}`) ?? '{}').recording).toBeNull();
    // The channel is free for the next recording.
    await expect(h.service.start(OWNER, CHANNEL)).resolves.toMatchObject({ status: 'starting' });
  });

  it('when a member stops, then Egress is stopped, the stop is attributed to them and the later completion adds no second notice', async () => {
    const h = harness();
    const rec = await h.service.start(OWNER, CHANNEL);
    const stopped = await h.service.stop(OWNER, CHANNEL, rec.id);
    expect(stopped).toMatchObject({ status: 'stopping', stoppedBy: { id: OWNER, displayName: 'Owner' } });
    expect(h.calls).toContain('egress:stop:EG_1');
    expect(h.calls.some((c) => c.startsWith('notice:Owner:stopped recording'))).toBe(true);
    await h.service.applyEgressFact(h.fact('EG_1', 'complete', { durationMs: 3000 }));
    expect(h.calls.filter((c) => c.startsWith('audit:recording.stop'))).toEqual([`audit:recording.stop:${OWNER}`]);
    expect((await h.service.get(OWNER, rec.id)).status).toBe('completed');
    // Stopping again is harmless and changes nothing.
    await expect(h.service.stop(OWNER, CHANNEL, rec.id)).resolves.toMatchObject({ status: 'completed' });
  });

  it('when the channel being recorded is deleted, then Egress is stopped, the end is announced by the system, and nothing else runs there', async () => {
    const h = harness();
    const rec = await h.service.start(OWNER, CHANNEL);
    const stopped = await h.service.stopForDeletedChannel(CHANNEL);
    expect(stopped).toMatchObject({ id: rec.id, status: 'stopping', stoppedBy: null });
    expect(h.calls).toContain('egress:stop:EG_1');
    expect(h.calls).toContain('audit:recording.stop:system');
    // Nothing running any more: a second deletion pass asks Egress for nothing.
    const stops = h.calls.filter((c) => c.startsWith('egress:stop')).length;
    expect(await h.service.stopForDeletedChannel(CHANNEL)).toBeNull();
    expect(h.calls.filter((c) => c.startsWith('egress:stop')).length).toBe(stops);
  });

  it('when a channel without a recording is deleted, then Egress is not asked', async () => {
    const h = harness();
    expect(await h.service.stopForDeletedChannel(CHANNEL)).toBeNull();
    expect(h.calls.some((c) => c.startsWith('egress:'))).toBe(false);
  });

  it('when Egress fails, then the recording is failed with the reason and only its starter is told', async () => {
    const h = harness();
    const rec = await h.service.start(OWNER, CHANNEL);
    await h.service.applyEgressFact(h.fact('EG_1', 'failed', { error: 'no audio tracks' }));
    expect(h.failures).toHaveLength(1);
    expect(h.failures[0]).toMatchObject({
      reason: 'no audio tracks',
      view: { id: rec.id, status: 'failed', error: 'no audio tracks', startedBy: { id: OWNER } },
    });
    expect(h.calls.some((c) => c.includes('Recording failed: no audio tracks'))).toBe(true);
  });

  it('when recordings start, fail to start and fail later, then each outcome is counted once (the recordings metrics)', async () => {
    const h = harness();
    await h.service.start(OWNER, CHANNEL);
    await h.service.applyEgressFact(h.fact('EG_1', 'active'));
    await h.service.applyEgressFact(h.fact('EG_1', 'failed', { error: 'no audio tracks' }));
    await h.service.applyEgressFact(h.fact('EG_1', 'failed', { error: 'no audio tracks' }));
    expect(h.outcomes).toEqual(['started', 'failed:egress']);
    const refused = harness({ egressError: new EgressUnavailableError('no response from servers') });
    await expect(refused.service.start(OWNER, CHANNEL)).rejects.toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' });
    // Refused at once during the retry window: Egress is not asked, so that is not another failed start.
    await expect(refused.service.start(OWNER, CHANNEL)).rejects.toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' });
    expect(refused.outcomes).toEqual(['failed:start']);
  });

  it('when an egress is unknown, then its facts are ignored', async () => {
    const h = harness();
    expect(await h.service.applyEgressFact(h.fact('EG_nope', 'complete'))).toBeNull();
  });

  it('when the download is asked before the recording finished, then CONFLICT; after, the local path', async () => {
    const h = harness();
    const rec = await h.service.start(OWNER, CHANNEL);
    await expect(h.service.file(OWNER, rec.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    h.files.add(`${GUILD}/${rec.id}.ogg`);
    await h.service.applyEgressFact(h.fact('EG_1', 'complete', { durationMs: 1000 }));
    await expect(h.service.file(OWNER, rec.id)).resolves.toMatchObject({ kind: 'local', path: `/rec/${GUILD}/${rec.id}.ogg` });
    await expect(h.service.file(OTHER, rec.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('when retention is 7 days, then the sweeper deletes recordings that ended earlier and keeps newer ones', async () => {
    const h = harness();
    const old = await h.service.start(OWNER, CHANNEL);
    await h.service.applyEgressFact(h.fact('EG_1', 'complete', { endedAtMs: Date.parse('2026-01-01T00:00:00Z'), durationMs: 1 }));
    const fresh = await h.service.start(OWNER, CHANNEL);
    await h.service.applyEgressFact(h.fact('EG_2', 'complete', { endedAtMs: Date.parse('2026-01-09T00:00:00Z'), durationMs: 1 }));
    await h.service.updateSettings(OWNER, GUILD, { retentionDays: 7 });
    expect(await h.service.sweep()).toBe(1);
    expect(h.calls).toContain(`file:remove:${old.id}`);
    expect(h.rows.has(old.id)).toBe(false);
    expect(h.rows.has(fresh.id)).toBe(true);
    expect((await h.service.get(OWNER, fresh.id)).expiresAt).toBe('2026-01-16T00:00:00.000Z');
    await expect(h.service.updateSettings(OTHER, GUILD, { retentionDays: 1 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('when a running recording is deleted, then CONFLICT (stop it first)', async () => {
    const h = harness();
    const rec = await h.service.start(OWNER, CHANNEL);
    await expect(h.service.remove(OWNER, rec.id)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('when the server missed the end webhook, then reconcile completes recordings with a file and fails those without', async () => {
    const h = harness();
    const withFile = await h.service.start(OWNER, CHANNEL);
    h.files.add(`${GUILD}/${withFile.id}.ogg`);
    h.advance(120_000);
    await h.service.reconcile();
    expect((await h.service.get(OWNER, withFile.id)).status).toBe('completed');
    const lost = await h.service.start(OWNER, CHANNEL);
    h.advance(120_000);
    await h.service.reconcile();
    expect((await h.service.get(OWNER, lost.id)).status).toBe('failed');
    expect(h.failures.map((f) => f.view.id)).toEqual([lost.id]);
  });
});

describe('egress adapter helpers', () => {
  it('when room metadata holds other keys or garbage, then the recording key is merged without losing them', () => {
    expect(JSON.parse(mergeRecordingMetadata('{"theme":"dark"}', null))).toEqual({ theme: 'dark', recording: null });
    expect(JSON.parse(mergeRecordingMetadata('not json', null))).toEqual({ recording: null });
    expect(JSON.parse(mergeRecordingMetadata(undefined, null))).toEqual({ recording: null });
  });

  it('when metadata is parsed, then only a well-formed recording object counts', () => {
    const state = {
      active: true,
      recordingId: '6a0000000000000000000099',
      startedBy: { id: OWNER, displayName: 'O' },
      startedAt: '2026-01-01T00:00:00.000Z',
    };
    expect(recordingFromRoomMetadata(JSON.stringify({ recording: state }))).toEqual(state);
    expect(recordingFromRoomMetadata(JSON.stringify({ recording: { active: true } }))).toBeNull();
    expect(recordingFromRoomMetadata('{')).toBeNull();
    expect(recordingFromRoomMetadata(undefined)).toBeNull();
  });

  it('when Egress reports nanoseconds, then the fact carries milliseconds and the file result', () => {
    const info = new EgressInfo({
      egressId: 'EG_x',
      roomName: 'ch_x',
      status: EgressStatus.EGRESS_COMPLETE,
      startedAt: 1_000_000_000n,
      endedAt: 6_500_000_000n,
      fileResults: [{ filename: '/rec/a.ogg', duration: 5_400_000_000n, size: 4096n, location: '/rec/a.ogg', startedAt: 0n, endedAt: 0n }],
    } as never);
    expect(toEgressFact(info)).toEqual({
      egressId: 'EG_x',
      roomName: 'ch_x',
      state: 'complete',
      error: null,
      startedAtMs: 1000,
      endedAtMs: 6500,
      durationMs: 5400,
      sizeBytes: 4096,
      location: '/rec/a.ogg',
    });
  });
});
