/**
 * The voice-state rules (replays, reordering, switching channels, reconciler) against the real MongoDB-wire server of
 * the test stack (FerretDB), with the same suite the unit tests run on the in-memory fake — so the conditional
 * updates in voice.repo.ts are proven where they matter.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CLAIM_GRACE_MS, createVoiceRepo } from '../../server/src/modules/voice/voice.repo';
import type { VoiceRepo } from '../../server/src/modules/voice/voice.repo';
import { CHANNEL_A, GUILD, USER, defineVoiceStateRules } from '../../server/src/modules/voice/voice.rules';
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
  return repo;
});

describe('voice repo on the MongoDB-wire server', () => {
  it('when the same session is started concurrently many times, then exactly one start reports a change', async () => {
    await testDb().collection('voice_states').deleteMany({});
    await testDb().collection('voice_session_claims').deleteMany({});
    const at = new Date();
    const start = { userId: USER, guildId: GUILD, channelId: CHANNEL_A, room: `ch_${CHANNEL_A}`, participantSid: 'PA_c', joinedAtMs: 42, serverMute: false, serverDeaf: false, at };
    const results = await Promise.all(Array.from({ length: 8 }, () => repo.startSession(start)));
    expect(results.filter((r) => r !== undefined)).toHaveLength(1);
    const ends = await Promise.all(Array.from({ length: 8 }, () => repo.endSession(USER, 'PA_c', 42, at)));
    expect(ends.filter((r) => r !== null)).toHaveLength(1);
    expect(await testDb().collection('voice_states').countDocuments({ _id: USER as never })).toBe(1);
  });

  it('when a claim holder never wrote its transition, then after the grace period the session can still be ended or started', async () => {
    const db = testDb();
    await db.collection('voice_states').deleteMany({});
    await db.collection('voice_session_claims').deleteMany({});
    const t0 = new Date('2026-01-01T00:00:00Z');
    const later = new Date(t0.getTime() + CLAIM_GRACE_MS + 1);
    const start = { userId: USER, guildId: GUILD, channelId: CHANNEL_A, room: `ch_${CHANNEL_A}`, participantSid: 'PA_s', joinedAtMs: 7, serverMute: false, serverDeaf: false, at: t0 };
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
    expect(await repo.getModeration(GUILD, USER)).toEqual({ serverMute: true, serverDeaf: true });
    expect(await repo.getModeration('6a0000000000000000000002', USER)).toEqual({ serverMute: false, serverDeaf: false });
  });
});
