/**
 * The voice-state rules (replays, reordering, switching channels, reconciler) against the real MongoDB-wire server of
 * the test stack (FerretDB), with the same suite the unit tests run on the in-memory fake — so the conditional
 * updates in voice.repo.ts are proven where they matter.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CLAIM_GRACE_MS, SEAT_REAP_MARGIN_MS, createVoiceRepo } from '../../server/src/modules/voice/voice.repo';
import type { VoiceRepo } from '../../server/src/modules/voice/voice.repo';
import { CHANNEL_A, GUILD, OTHER, USER, defineVoiceStateRules } from '../../server/src/modules/voice/voice.rules';
import { useTestDatabase } from '../support/database';

const { db: testDb } = useTestDatabase('parley_test_voice_state');
let repo: VoiceRepo;

beforeAll(async () => {
  repo = createVoiceRepo(testDb());
  await repo.ensureIndexes();
});

defineVoiceStateRules('MongoDB-wire repo', async () => {
  const db = testDb();
  await db.collection('voice_states').deleteMany({});
  await db.collection('voice_moderation').deleteMany({});
  await db.collection('voice_session_claims').deleteMany({});
  await db.collection('voice_seats').deleteMany({});
  return repo;
});

describe('voice repo on the MongoDB-wire server', () => {
  it('when the same session is started concurrently many times, then exactly one start reports a change', async () => {
    await testDb().collection('voice_states').deleteMany({});
    await testDb().collection('voice_session_claims').deleteMany({});
    const at = new Date();
    const start = {
      userId: USER,
      guildId: GUILD,
      channelId: CHANNEL_A,
      room: `ch_${CHANNEL_A}`,
      participantSid: 'PA_c',
      joinedAtMs: 42,
      serverMute: false,
      serverDeaf: false,
      serverVideoOff: false,
      serverStreamOff: false,
      at,
    };
    const results = await Promise.all(Array.from({ length: 8 }, () => repo.startSession(start)));
    expect(results.filter((r) => r !== undefined)).toHaveLength(1);
    const ends = await Promise.all(Array.from({ length: 8 }, () => repo.endSession(USER, 'PA_c', 42, at)));
    expect(ends.filter((r) => r !== null)).toHaveLength(1);
    expect(
      await testDb()
        .collection('voice_states')
        .countDocuments({ _id: USER as never }),
    ).toBe(1);
  });

  it('when a claim holder never wrote its transition, then after the grace period the session can still be ended or started', async () => {
    const db = testDb();
    await db.collection('voice_states').deleteMany({});
    await db.collection('voice_session_claims').deleteMany({});
    const t0 = new Date('2026-01-01T00:00:00Z');
    const later = new Date(t0.getTime() + CLAIM_GRACE_MS + 1);
    const start = {
      userId: USER,
      guildId: GUILD,
      channelId: CHANNEL_A,
      room: `ch_${CHANNEL_A}`,
      participantSid: 'PA_s',
      joinedAtMs: 7,
      serverMute: false,
      serverDeaf: false,
      serverVideoOff: false,
      serverStreamOff: false,
      at: t0,
    };
    expect(await repo.startSession(start)).toBeDefined();
    // An "end" was claimed but its write was lost: the state still shows the session.
    await db.collection('voice_session_claims').insertOne({ _id: 'end:PA_s' as never, userId: USER, at: t0 });
    expect(await repo.endSession(USER, 'PA_s', 7, new Date(t0.getTime() + 1_000))).toBeNull();
    expect((await repo.endSession(USER, 'PA_s', 7, later))?.participantSid).toBe('PA_s');
    expect((await repo.findByUser(USER))?.channelId).toBeNull();

    // A "start" was claimed but never written: a later observation (the reconciler) may start it after the grace.
    await db.collection('voice_session_claims').insertOne({ _id: 'start:PA_t' as never, userId: USER, at: t0 });
    const next = { ...start, participantSid: 'PA_t', joinedAtMs: 9 };
    expect(await repo.startSession({ ...next, at: new Date(t0.getTime() + 1_000) })).toBeUndefined();
    expect(await repo.startSession({ ...next, at: later })).toBeDefined();
    expect((await repo.findByUser(USER))?.participantSid).toBe('PA_t');
  });

  it('when moderation flags are set for a member not in voice, then they are stored per guild and kept', async () => {
    await repo.setModeration(GUILD, USER, { serverMute: true }, new Date());
    await repo.setModeration(GUILD, USER, { serverDeaf: true }, new Date());
    await repo.setModeration(GUILD, USER, { serverStreamOff: true }, new Date());
    expect(await repo.getModeration(GUILD, USER)).toEqual({
      serverMute: true,
      serverDeaf: true,
      serverVideoOff: false,
      serverStreamOff: true,
    });
    expect(await repo.getModeration('6a0000000000000000000002', USER)).toEqual({
      serverMute: false,
      serverDeaf: false,
      serverVideoOff: false,
      serverStreamOff: false,
    });
  });

  it('when camera / stream presence is recorded, then only for the current session, and a webhook newer than a reconciler listing wins', async () => {
    await testDb().collection('voice_states').deleteMany({});
    const t0 = new Date('2026-02-01T00:00:00Z');
    const at = (ms: number) => new Date(t0.getTime() + ms);
    const start = {
      userId: USER,
      guildId: GUILD,
      channelId: CHANNEL_A,
      room: `ch_${CHANNEL_A}`,
      participantSid: 'PA_m',
      joinedAtMs: 100,
      serverMute: false,
      serverDeaf: false,
      serverVideoOff: false,
      serverStreamOff: false,
      at: t0,
    };
    expect(await repo.startSession(start)).toBeDefined();
    expect(await repo.setMedia(USER, 'PA_other', { selfVideo: true }, at(1))).toBeNull();
    expect((await repo.setMedia(USER, 'PA_m', { selfVideo: true }, at(10)))?.selfVideo).toBe(true);
    expect(await repo.setMedia(USER, 'PA_m', { selfVideo: true }, at(11))).toBeNull(); // no change, nothing to announce
    // The reconciler listed LiveKit at t0+5 (before the webhook at t0+10): its older view must not undo the webhook.
    expect(await repo.setMedia(USER, 'PA_m', { selfVideo: false, selfStream: false }, at(20), at(5))).toBeNull();
    expect((await repo.findByUser(USER))?.selfVideo).toBe(true);
    // A listing after the webhook is the newer truth.
    const after = await repo.setMedia(USER, 'PA_m', { selfVideo: false, selfStream: true }, at(30), at(25));
    expect(after).toEqual(expect.objectContaining({ selfVideo: false, selfStream: true }));
    // The session ends: nothing is published any more, and a new session starts with nothing.
    await repo.endSession(USER, 'PA_m', 100, at(40));
    expect(await repo.findByUser(USER)).toEqual(expect.objectContaining({ channelId: null, selfVideo: false, selfStream: false }));
  });

  it('when the indexes are ensured again (every boot after the first, two instances at once), then it succeeds and the seat indexes exist', async () => {
    await repo.ensureIndexes();
    await Promise.all([createVoiceRepo(testDb()).ensureIndexes(), createVoiceRepo(testDb()).ensureIndexes()]);
    const seatIndexes = await testDb().collection('voice_seats').listIndexes().toArray();
    expect(seatIndexes.filter((i) => i.unique).map((i) => i.key)).toEqual(
      expect.arrayContaining([
        { channelId: 1, slot: 1 },
        { channelId: 1, userId: 1 },
      ]),
    );
  });

  describe('seats', () => {
    const CHANNEL = '6a00000000000000000000dd';
    const users = Array.from({ length: 20 }, (_, i) => `6a00000000000000000020${String(i).padStart(2, '0')}`);
    const claimFor = (userId: string, at: Date, limit = 2, holdUntil: Date | null = new Date(at.getTime() + 90_000)) =>
      repo.claimSeat({ channelId: CHANNEL, guildId: GUILD, userId, limit, at, holdUntil });

    it('when 20 users claim a seat of a limit-2 channel at once on the MongoDB-wire server, then exactly 2 get one, in different slots', async () => {
      await testDb().collection('voice_seats').deleteMany({});
      const at = new Date();
      const seats = await Promise.all(users.map((u) => claimFor(u, at)));
      const won = seats.filter((s) => s !== null);
      expect(won).toHaveLength(2);
      expect(won.map((s) => s?.slot).sort()).toEqual([0, 1]);
      expect(await testDb().collection('voice_seats').countDocuments({ channelId: CHANNEL })).toBe(2);
    });

    it('when one user claims the same channel many times at once, then they end up with one seat', async () => {
      await testDb().collection('voice_seats').deleteMany({});
      const at = new Date();
      const seats = await Promise.all(Array.from({ length: 8 }, () => claimFor(USER, at, 5)));
      expect(new Set(seats.map((s) => s?.id)).size).toBe(1);
      expect(await repo.listSeats(USER)).toHaveLength(1);
    });

    it('when expired holds fill the channel, then 20 concurrent claimants reap them and still exactly 2 win', async () => {
      await testDb().collection('voice_seats').deleteMany({});
      const t0 = new Date('2026-01-01T00:00:00Z');
      expect(await claimFor(users[0]!, t0, 2, new Date(t0.getTime() + 1_000))).not.toBeNull();
      expect(await claimFor(users[1]!, t0, 2, new Date(t0.getTime() + 1_000))).not.toBeNull();
      const later = new Date(t0.getTime() + 1_000 + SEAT_REAP_MARGIN_MS + 1);
      const seats = await Promise.all(users.slice(2).map((u) => claimFor(u, later)));
      expect(seats.filter((s) => s !== null)).toHaveLength(2);
      const left = await repo.listSeats();
      expect(left.filter((s) => s.channelId === CHANNEL).map((s) => s.userId)).not.toContain(users[0]);
      expect(left.filter((s) => s.channelId === CHANNEL)).toHaveLength(2);
    });

    it('when a stale releaser deletes a seat that was already reclaimed, then the newer claim of that slot survives', async () => {
      await testDb().collection('voice_seats').deleteMany({});
      const at = new Date();
      const first = await claimFor(USER, at, 1);
      expect(first && (await repo.releaseSeat(first.id))).toBe(true);
      const second = await claimFor(OTHER, at, 1);
      expect(second?.slot).toBe(first?.slot);
      expect(await repo.releaseSeat(first!.id)).toBe(false);
      expect((await repo.findSeat(CHANNEL, OTHER))?.id).toBe(second?.id);
    });
  });
});
