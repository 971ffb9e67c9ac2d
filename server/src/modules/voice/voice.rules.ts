import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { voiceRoomName } from '@shared/api/voice';
import { Permission } from '@shared/permissions/permissions';
import type { VoiceStateUpdateEvent } from '@shared/api/voice';
import { createVoiceReconciler } from '../../livekit/reconciler';
import type { VoiceWebhookFact } from '../../livekit/webhooks';
import type { LiveParticipant, LiveTrackSource } from '../../livekit/room-service';
import { createFakeAccess, createFakeAudit, createFakeEvents, createFakeRooms, createFakeTokens } from './voice.fakes';
import type { VoiceRepo } from './voice.repo';
import { SEAT_HOLD_SLACK_MS, SEAT_JOIN_GRACE_MS, createVoiceService } from './voice.service';
import { SEAT_REAP_MARGIN_MS } from './voice.repo';

/**
 * How webhooks and the reconciler move voice state, as one suite run against any VoiceRepo: the in-memory fake in the
 * unit tests and the MongoDB-wire repo (FerretDB) in tests/integration. Only test code imports this file.
 */
export const GUILD = '6a0000000000000000000001';
export const CHANNEL_A = '6a00000000000000000000aa';
export const CHANNEL_B = '6a00000000000000000000bb';
export const USER = '6a0000000000000000000100';
export const OTHER = '6a0000000000000000000200';
export const THIRD = '6a0000000000000000000400';

const MEMBER_PERMS = Permission.VIEW_CHANNEL | Permission.CONNECT | Permission.SPEAK;

export function fact(
  kind: 'participant_joined' | 'participant_left' | 'track_published' | 'track_unpublished',
  channelId: string,
  sid: string,
  joinedAtMs: number,
  identity = USER,
  source: LiveTrackSource = 'microphone',
): VoiceWebhookFact {
  return {
    kind,
    id: `EV_${kind}_${sid}`,
    createdAtMs: joinedAtMs,
    room: voiceRoomName(channelId),
    channelId,
    participant: { sid, identity, joinedAtMs, granted: null },
    track: kind === 'track_published' || kind === 'track_unpublished' ? { sid: `TR_${sid}_${source}`, source } : null,
  };
}

export function setupVoice(repo: VoiceRepo) {
  const rooms = createFakeRooms();
  const access = createFakeAccess();
  const events = createFakeEvents();
  const audit = createFakeAudit();
  const tokens = createFakeTokens();
  access.channels.set(CHANNEL_A, { id: CHANNEL_A, guildId: GUILD, type: 'voice', userLimit: 0 });
  access.channels.set(CHANNEL_B, { id: CHANNEL_B, guildId: GUILD, type: 'voice', userLimit: 0 });
  for (const user of [USER, OTHER, THIRD]) {
    access.guildPerms.set(`${user}:${GUILD}`, MEMBER_PERMS);
    for (const channel of [CHANNEL_A, CHANNEL_B]) access.channelPerms.set(`${user}:${channel}`, MEMBER_PERMS);
  }
  let now = new Date('2026-01-01T00:00:00Z');
  const joins: string[] = [];
  const service = createVoiceService({
    repo,
    rooms,
    tokens,
    access,
    events,
    audit,
    publicUrl: 'ws://livekit.test',
    clock: () => now,
    log: pino({ level: 'silent' }),
    onJoin: (source) => joins.push(source),
  });
  const reconciler = createVoiceReconciler({
    target: {
      listActiveRooms: () => repo.listActiveRooms(),
      listActiveInRoom: (room) => repo.listActiveInRoom(room),
      observeSession: service.observeSession,
      observeSessionEnd: service.observeSessionEnd,
      observeMedia: service.observeMedia,
      mayStay: service.mayStay,
      evict: service.evict,
      sweepSeats: service.sweepSeats,
    },
    rooms,
    intervalMs: 0,
    log: pino({ level: 'silent' }),
    clock: () => now,
  });
  const voiceEvents = () => events.sent.filter((e) => e.event === 'VOICE_STATE_UPDATE').map((e) => e.payload as VoiceStateUpdateEvent);
  return {
    service,
    reconciler,
    repo,
    rooms,
    access,
    events,
    audit,
    tokens,
    voiceEvents,
    /** What reported each voice join the service counted (the joins metric), in order. */
    joins,
    advance(ms: number) {
      now = new Date(now.getTime() + ms);
    },
    /** Gives a channel a user limit (0 = none). */
    limit(channelId: string, userLimit: number) {
      access.channels.set(channelId, { id: channelId, guildId: GUILD, type: 'voice', userLimit });
    },
    /** What LiveKit lists in a channel's room, for the reconciler. */
    inRoom(channelId: string, list: { sid: string; identity: string; joinedAtMs: number }[]) {
      rooms.participants.set(
        voiceRoomName(channelId),
        list.map((p) => ({ ...p, tracks: [], permission: null })),
      );
    },
  };
}

/** Long enough for a seat held for an unused token to be reapable by anyone. */
export const PAST_HOLD_MS = 60_000 + SEAT_HOLD_SLACK_MS + SEAT_REAP_MARGIN_MS + 1;

export function defineVoiceStateRules(label: string, makeRepo: () => Promise<VoiceRepo>): void {
  describe(`voice state rules (${label})`, () => {
    let repo: VoiceRepo;
    let v: ReturnType<typeof setupVoice>;
    beforeEach(async () => {
      repo = await makeRepo();
      v = setupVoice(repo);
    });

    const channelOf = async (userId = USER) => (await repo.findByUser(userId))?.channelId ?? null;

    it('when participant_joined arrives, then the user is listed in that channel and one VOICE_STATE_UPDATE is sent', async () => {
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_1', 1_000));
      expect(await channelOf()).toBe(CHANNEL_A);
      expect(v.voiceEvents()).toEqual([expect.objectContaining({ userId: USER, channelId: CHANNEL_A, previousChannelId: null })]);
      expect(v.audit.entries.map((e) => e.action)).toEqual(['voice.join']);
    });

    it('when members join, switch and leave, then each join is counted once and the participants per room follow', async () => {
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_1', 1_000));
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_1', 1_000));
      await v.service.applyWebhook(fact('track_published', CHANNEL_A, 'PA_1', 1_000));
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_2', 1_000, OTHER));
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_B, 'PA_3', 1_000, THIRD));
      expect(v.joins).toEqual(['webhook', 'webhook', 'webhook']);
      expect(await repo.countActiveByRoom()).toEqual(
        new Map([
          [voiceRoomName(CHANNEL_A), 2],
          [voiceRoomName(CHANNEL_B), 1],
        ]),
      );
      // Switching channels is a join of the new one; leaving is not a join.
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_B, 'PA_4', 2_000, OTHER));
      await v.service.applyWebhook(fact('participant_left', CHANNEL_A, 'PA_1', 1_000));
      expect(v.joins).toHaveLength(4);
      expect(await repo.countActiveByRoom()).toEqual(new Map([[voiceRoomName(CHANNEL_B), 2]]));
    });

    it('when the same webhooks are delivered twice, then state, events and audit are as if once', async () => {
      const joined = fact('participant_joined', CHANNEL_A, 'PA_1', 1_000);
      const left = fact('participant_left', CHANNEL_A, 'PA_1', 1_000);
      await v.service.applyWebhook(joined);
      await v.service.applyWebhook(joined);
      await v.service.applyWebhook(left);
      await v.service.applyWebhook(left);
      await v.service.applyWebhook(joined);
      expect(await channelOf()).toBeNull();
      expect(v.voiceEvents().map((e) => e.channelId)).toEqual([CHANNEL_A, null]);
      expect(v.audit.entries.map((e) => e.action)).toEqual(['voice.join', 'voice.leave']);
    });

    it('when participant_left arrives before participant_joined of the same session, then the user is never listed', async () => {
      await v.service.applyWebhook(fact('participant_left', CHANNEL_A, 'PA_1', 1_000));
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_1', 1_000));
      await v.service.applyWebhook(fact('track_published', CHANNEL_A, 'PA_1', 1_000));
      expect(await channelOf()).toBeNull();
      expect(v.voiceEvents()).toEqual([]);
    });

    it("when an older session's joined arrives after a newer session's, then the newer channel stays", async () => {
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_B, 'PA_2', 2_000));
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_1', 1_000));
      expect(await channelOf()).toBe(CHANNEL_B);
      expect(v.voiceEvents().map((e) => e.channelId)).toEqual([CHANNEL_B]);
    });

    it("when the user switches channels and the old session's left comes last, then they stay in the new channel", async () => {
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_1', 1_000));
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_B, 'PA_2', 2_000));
      await v.service.applyWebhook(fact('participant_left', CHANNEL_A, 'PA_1', 1_000));
      expect(await channelOf()).toBe(CHANNEL_B);
      // Watchers of A see the user leave A; watchers of B see them arrive, without A's id (they may not view A).
      expect(v.voiceEvents().map((e) => [e.channelId, e.previousChannelId])).toEqual([
        [CHANNEL_A, null],
        [null, CHANNEL_A],
        [CHANNEL_B, null],
      ]);
      expect(v.audit.entries.map((e) => e.action)).toEqual(['voice.join', 'voice.leave', 'voice.join']);
    });

    it('when track_published arrives before participant_joined, then the session shows at once and joined adds nothing', async () => {
      await v.service.applyWebhook(fact('track_published', CHANNEL_A, 'PA_1', 1_000));
      expect(await channelOf()).toBe(CHANNEL_A);
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_1', 1_000));
      expect(v.voiceEvents()).toHaveLength(1);
    });

    it('when a webhook names a room that is not a voice channel, then nothing changes', async () => {
      await v.service.applyWebhook(fact('participant_joined', '6a00000000000000000000cc', 'PA_1', 1_000));
      await v.service.applyWebhook({ kind: 'ignored', id: 'EV_x', event: 'room_started', reason: 'test' });
      expect(await channelOf()).toBeNull();
      expect(v.events.sent).toEqual([]);
    });

    it('when two users are in voice, then only the one whose session ended is removed', async () => {
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_1', 1_000, USER));
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_9', 1_500, OTHER));
      await v.service.applyWebhook(fact('participant_left', CHANNEL_A, 'PA_9', 1_500, OTHER));
      expect(await channelOf(USER)).toBe(CHANNEL_A);
      expect(await channelOf(OTHER)).toBeNull();
      expect((await repo.listActiveInGuild(GUILD)).map((s) => s.userId)).toEqual([USER]);
    });

    it('when camera and screen-share tracks are published and unpublished, then selfVideo / selfStream follow, each change announced once', async () => {
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_1', 1_000));
      await v.service.applyWebhook(fact('track_published', CHANNEL_A, 'PA_1', 1_000, USER, 'microphone'));
      expect(v.voiceEvents()).toHaveLength(1);
      await v.service.applyWebhook(fact('track_published', CHANNEL_A, 'PA_1', 1_000, USER, 'camera'));
      await v.service.applyWebhook(fact('track_published', CHANNEL_A, 'PA_1', 1_000, USER, 'camera')); // replay
      await v.service.applyWebhook(fact('track_published', CHANNEL_A, 'PA_1', 1_000, USER, 'screen_share'));
      await v.service.applyWebhook(fact('track_published', CHANNEL_A, 'PA_1', 1_000, USER, 'screen_share_audio'));
      await v.service.applyWebhook(fact('track_unpublished', CHANNEL_A, 'PA_1', 1_000, USER, 'camera'));
      expect(
        v
          .voiceEvents()
          .slice(1)
          .map((e) => [e.selfVideo, e.selfStream]),
      ).toEqual([
        [true, false],
        [true, true],
        [false, true],
      ]);
      expect((await v.service.snapshotFor(OTHER, [GUILD]))[0]).toEqual(expect.objectContaining({ selfVideo: false, selfStream: true }));
      // Leaving ends the stream with the session; the next session starts without one.
      await v.service.applyWebhook(fact('participant_left', CHANNEL_A, 'PA_1', 1_000));
      expect(v.voiceEvents().at(-1)).toEqual(expect.objectContaining({ channelId: null, selfStream: false }));
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_2', 2_000));
      expect((await repo.findByUser(USER))?.selfStream).toBe(false);
    });

    it('when a track webhook of an older session arrives, then the current session keeps its own presence', async () => {
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_2', 2_000));
      await v.service.applyWebhook(fact('track_published', CHANNEL_A, 'PA_1', 1_000, USER, 'camera'));
      expect((await repo.findByUser(USER))?.selfVideo).toBe(false);
    });

    it('when a track webhook was lost, then reconcileOnce takes camera and stream from the tracks LiveKit lists', async () => {
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_1', 1_000));
      const listed = (tracks: LiveParticipant['tracks']) =>
        v.rooms.participants.set(voiceRoomName(CHANNEL_A), [{ sid: 'PA_1', identity: USER, joinedAtMs: 1_000, tracks, permission: null }]);
      listed([{ sid: 'TR_c', source: 'camera', muted: false }]);
      v.advance(1_000);
      expect(await v.reconciler.reconcileOnce()).toEqual(expect.objectContaining({ media: 1 }));
      expect(v.voiceEvents().at(-1)).toEqual(expect.objectContaining({ userId: USER, selfVideo: true, selfStream: false }));
      expect(await v.reconciler.reconcileOnce()).toEqual(expect.objectContaining({ media: 0 }));
      listed([]);
      v.advance(1_000);
      expect(await v.reconciler.reconcileOnce()).toEqual(expect.objectContaining({ media: 1 }));
      expect((await repo.findByUser(USER))?.selfVideo).toBe(false);
    });

    it('when LiveKit no longer has a stored session, then reconcileOnce removes it and publishes the leave', async () => {
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_1', 1_000, USER));
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_9', 1_500, OTHER));
      v.rooms.participants.set(voiceRoomName(CHANNEL_A), [
        { sid: 'PA_9', identity: OTHER, joinedAtMs: 1_500, tracks: [], permission: null },
      ]);
      const result = await v.reconciler.reconcileOnce();
      expect(result).toEqual({ rooms: 1, removed: 1, added: 0, media: 0, evicted: 0, rights: 0, seatsFreed: 0 });
      expect(await channelOf(USER)).toBeNull();
      expect(await channelOf(OTHER)).toBe(CHANNEL_A);
      expect(v.voiceEvents().at(-1)).toEqual(expect.objectContaining({ userId: USER, channelId: null, previousChannelId: CHANNEL_A }));
      expect(v.audit.entries.at(-1)).toEqual({ action: 'voice.leave', actorId: null, targetId: USER });
    });

    it('when a joined webhook was lost, then reconcileOnce adds the participant LiveKit reports', async () => {
      v.rooms.participants.set(voiceRoomName(CHANNEL_B), [
        { sid: 'PA_5', identity: USER, joinedAtMs: 5_000, tracks: [], permission: null },
      ]);
      const result = await v.reconciler.reconcileOnce();
      expect(result).toEqual({ rooms: 1, removed: 0, added: 1, media: 0, evicted: 0, rights: 0, seatsFreed: 0 });
      expect(await channelOf()).toBe(CHANNEL_B);
      expect(await v.reconciler.reconcileOnce()).toEqual({
        rooms: 1,
        removed: 0,
        added: 0,
        media: 0,
        evicted: 0,
        rights: 0,
        seatsFreed: 0,
      });
    });

    it('when a connected member lost CONNECT (or was kicked), then reconcileOnce evicts them from LiveKit and voice state', async () => {
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_1', 1_000, USER));
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_9', 1_500, OTHER));
      v.rooms.participants.set(voiceRoomName(CHANNEL_A), [
        { sid: 'PA_1', identity: USER, joinedAtMs: 1_000, tracks: [], permission: null },
        { sid: 'PA_9', identity: OTHER, joinedAtMs: 1_500, tracks: [], permission: null },
        { sid: 'EG_1', identity: 'EG_recorder', joinedAtMs: 1_600, tracks: [], permission: null },
      ]);
      v.access.channelPerms.set(`${USER}:${CHANNEL_A}`, Permission.VIEW_CHANNEL);
      expect(await v.reconciler.reconcileOnce()).toEqual({
        rooms: 1,
        removed: 0,
        added: 0,
        media: 0,
        evicted: 1,
        rights: 0,
        seatsFreed: 0,
      });
      expect(v.rooms.removed).toEqual([{ room: voiceRoomName(CHANNEL_A), identity: USER }]);
      expect(await channelOf(USER)).toBeNull();
      expect(await channelOf(OTHER)).toBe(CHANNEL_A);
      expect(v.audit.entries.at(-1)).toEqual({ action: 'voice.disconnect', actorId: null, targetId: USER });
    });

    it('when a voice channel was deleted, then its members are evicted; rooms of channels never ours are left alone', async () => {
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_1', 1_000, USER));
      const foreign = '6a00000000000000000000ff';
      v.rooms.participants.set(voiceRoomName(CHANNEL_A), [
        { sid: 'PA_1', identity: USER, joinedAtMs: 1_000, tracks: [], permission: null },
      ]);
      v.rooms.participants.set(voiceRoomName(foreign), [{ sid: 'PA_x', identity: OTHER, joinedAtMs: 1_000, tracks: [], permission: null }]);
      v.access.channels.delete(CHANNEL_A);
      expect(await v.reconciler.reconcileOnce()).toEqual({
        rooms: 2,
        removed: 0,
        added: 0,
        media: 0,
        evicted: 1,
        rights: 0,
        seatsFreed: 0,
      });
      expect(v.rooms.removed).toEqual([{ room: voiceRoomName(CHANNEL_A), identity: USER }]);
      expect(await channelOf(USER)).toBeNull();
    });

    it('when LiveKit cannot be reached, then reconcileOnce fails without removing anyone', async () => {
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_1', 1_000));
      v.rooms.listRooms = async () => {
        throw new Error('connect ECONNREFUSED');
      };
      await expect(v.reconciler.reconcileOnce()).rejects.toThrow('ECONNREFUSED');
      expect(await channelOf()).toBe(CHANNEL_A);
    });

    it('when a user reports self mute while connected, then it is stored and published', async () => {
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_1', 1_000));
      const state = await v.service.setSelfState(USER, { selfMute: true });
      expect(state).toEqual({ channelId: CHANNEL_A, selfMute: true, selfDeaf: false, watching: [] });
      expect(v.voiceEvents().at(-1)).toEqual(expect.objectContaining({ channelId: CHANNEL_A, selfMute: true }));
      expect((await repo.findByUser(USER))?.selfMute).toBe(true);
    });

    it('when a user reports whose streams they watch, then it is stored and published without their own id, kept by a mute report, and gone with the session', async () => {
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_1', 1_000));
      expect(await v.service.setSelfState(USER, { watching: [OTHER, USER] })).toEqual(expect.objectContaining({ watching: [OTHER] }));
      expect(v.voiceEvents().at(-1)).toEqual(expect.objectContaining({ userId: USER, channelId: CHANNEL_A, watching: [OTHER] }));
      expect((await v.service.snapshotFor(OTHER, [GUILD]))[0]).toEqual(expect.objectContaining({ userId: USER, watching: [OTHER] }));
      await v.service.setSelfState(USER, { selfMute: true });
      expect((await repo.findByUser(USER))?.watching).toEqual([OTHER]);

      await v.service.applyWebhook(fact('participant_left', CHANNEL_A, 'PA_1', 1_000));
      expect(v.voiceEvents().at(-1)).toEqual(expect.objectContaining({ userId: USER, channelId: null, watching: [] }));
      // A report still in flight when they left is not kept for their next session.
      expect(await v.service.setSelfState(USER, { watching: [OTHER] })).toEqual(expect.objectContaining({ channelId: null, watching: [] }));
      expect((await repo.findByUser(USER))?.watching).toEqual([]);
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_B, 'PA_2', 2_000));
      expect((await repo.findByUser(USER))?.watching).toEqual([]);
    });

    it('when a new session replaces the current one (a reconnect, another client), then it starts watching nothing', async () => {
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_1', 1_000));
      await v.service.setSelfState(USER, { watching: [OTHER] });
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_2', 2_000));
      expect(v.voiceEvents().at(-1)).toEqual(expect.objectContaining({ userId: USER, channelId: CHANNEL_A, watching: [] }));
      // The old session's leave, arriving late, changes nothing.
      await v.service.applyWebhook(fact('participant_left', CHANNEL_A, 'PA_1', 1_000));
      await v.service.setSelfState(USER, { watching: [OTHER] });
      await v.service.applyWebhook(fact('participant_left', CHANNEL_A, 'PA_1', 1_000));
      expect((await repo.findByUser(USER))?.watching).toEqual([OTHER]);
    });
  });

  describe(`voice seats (${label})`, () => {
    let repo: VoiceRepo;
    let v: ReturnType<typeof setupVoice>;
    beforeEach(async () => {
      repo = await makeRepo();
      v = setupVoice(repo);
      v.limit(CHANNEL_A, 2);
    });

    const joinCode = async (userId: string, channelId = CHANNEL_A) =>
      v.service.join(userId, channelId, {}).then(
        () => 'OK',
        (err: unknown) => (err as { code?: string }).code ?? 'ERROR',
      );
    const seated = async (channelId = CHANNEL_A) =>
      (await repo.listSeats())
        .filter((s) => s.channelId === channelId)
        .map((s) => s.userId)
        .sort();

    it('when three users ask to join a limit-2 channel, then the third gets CHANNEL_FULL and no token', async () => {
      expect([await joinCode(USER), await joinCode(OTHER), await joinCode(THIRD)]).toEqual(['OK', 'OK', 'CHANNEL_FULL']);
      expect(v.tokens.issued.map((t) => t.userId)).toEqual([USER, OTHER]);
      expect(await seated()).toEqual([USER, OTHER].sort());
    });

    it('when a seated user asks again (re-join, reconnect), then they reuse their seat', async () => {
      expect([await joinCode(USER), await joinCode(OTHER), await joinCode(USER), await joinCode(OTHER)]).toEqual(['OK', 'OK', 'OK', 'OK']);
      expect((await repo.listSeats()).map((s) => s.slot).sort()).toEqual([0, 1]);
    });

    it('when a seated user leaves (participant_left), then their seat is free for the next user at once', async () => {
      await joinCode(USER);
      await joinCode(OTHER);
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_1', 1_000, USER));
      await v.service.applyWebhook(fact('participant_left', CHANNEL_A, 'PA_1', 1_000, USER));
      expect(await joinCode(THIRD)).toBe('OK');
      expect(await seated()).toEqual([OTHER, THIRD].sort());
    });

    it('when a token is never used, then its seat is kept until the token TTL plus slack, then given to someone else', async () => {
      await joinCode(USER);
      await joinCode(OTHER);
      v.advance(60_000);
      expect(await joinCode(THIRD)).toBe('CHANNEL_FULL');
      v.advance(PAST_HOLD_MS - 60_000);
      expect(await joinCode(THIRD)).toBe('OK');
      expect((await seated()).filter((u) => u === THIRD)).toHaveLength(1);
    });

    it('when a user who holds a seat for an unused token leaves voice, then the seat is released', async () => {
      await joinCode(USER);
      await joinCode(OTHER);
      await v.service.leave(USER);
      expect(await seated()).toEqual([OTHER]);
      expect(await joinCode(THIRD)).toBe('OK');
    });

    it('when a user with a seat joins another channel, then the seat is released', async () => {
      v.limit(CHANNEL_B, 1);
      await joinCode(USER);
      await joinCode(OTHER);
      expect(await joinCode(USER, CHANNEL_B)).toBe('OK');
      expect(await seated(CHANNEL_A)).toEqual([OTHER]);
      expect(await joinCode(THIRD)).toBe('OK');
    });

    it("when a reconnect token is issued before the old connection's leave arrives, then the seat stays with the user", async () => {
      v.limit(CHANNEL_A, 1);
      await joinCode(USER);
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_1', 1_000, USER));
      expect(await joinCode(USER)).toBe('OK');
      await v.service.applyWebhook(fact('participant_left', CHANNEL_A, 'PA_1', 1_000, USER));
      expect(await joinCode(OTHER)).toBe('CHANNEL_FULL');
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_2', 2_000, USER));
      expect(v.rooms.removed).toEqual([]);
      expect(await seated()).toEqual([USER]);
    });

    it('when someone connects to a full channel without a seat (e.g. its hold ran out and was taken), then LiveKit drops them and they are told CHANNEL_FULL', async () => {
      v.limit(CHANNEL_A, 1);
      await joinCode(USER);
      v.advance(PAST_HOLD_MS);
      expect(await joinCode(OTHER)).toBe('OK');
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_1', 1_000, USER));
      expect(v.rooms.removed).toEqual([{ room: voiceRoomName(CHANNEL_A), identity: USER }]);
      expect(v.events.sent).toContainEqual({
        to: `user:${USER}`,
        event: 'VOICE_DISCONNECT',
        payload: { channelId: CHANNEL_A, reason: 'CHANNEL_FULL' },
      });
      expect(await channelOf(repo, USER)).toBeNull();
      expect(v.voiceEvents()).toEqual([]);
      // The refused connection stays refused: a late track webhook for it changes nothing.
      await v.service.applyWebhook(fact('track_published', CHANNEL_A, 'PA_1', 1_000, USER));
      expect(await channelOf(repo, USER)).toBeNull();
    });

    it('when the connection LiveKit reports finds a free seat (its hold had expired), then it takes it and stays', async () => {
      await joinCode(USER);
      v.advance(PAST_HOLD_MS);
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_1', 1_000, USER));
      expect(v.rooms.removed).toEqual([]);
      expect(await channelOf(repo, USER)).toBe(CHANNEL_A);
      expect(await seated()).toEqual([USER]);
    });

    it('when the limit is lowered under the seated users, then they stay (and keep reconnecting) but nobody new gets in', async () => {
      await joinCode(USER);
      await joinCode(OTHER);
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_1', 1_000, USER));
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PO_1', 1_100, OTHER));
      v.limit(CHANNEL_A, 1);
      expect([await joinCode(USER), await joinCode(OTHER), await joinCode(THIRD)]).toEqual(['OK', 'OK', 'CHANNEL_FULL']);
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PO_2', 2_000, OTHER));
      expect(v.rooms.removed).toEqual([]);
    });

    it("when a session's leave webhook is lost, then the reconciler ends the session and its seat goes with it", async () => {
      v.limit(CHANNEL_A, 1);
      await joinCode(USER);
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_1', 1_000, USER));
      v.inRoom(CHANNEL_A, [{ sid: 'PA_1', identity: USER, joinedAtMs: 1_000 }]);
      expect(await v.reconciler.reconcileOnce()).toEqual(expect.objectContaining({ removed: 0, seatsFreed: 0 }));
      expect(await joinCode(OTHER)).toBe('CHANNEL_FULL');
      v.inRoom(CHANNEL_A, []);
      expect(await v.reconciler.reconcileOnce()).toEqual(expect.objectContaining({ removed: 1, seatsFreed: 0 }));
      expect(await seated()).toEqual([]);
      expect(await joinCode(OTHER)).toBe('OK');
    });

    it('when a seat outlives every trace of its session, then the reconciler sweeps it once past the join grace, not before', async () => {
      v.limit(CHANNEL_A, 1);
      await joinCode(USER);
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_1', 1_000, USER));
      // The session ended here, but the seat release was lost (a crash between the two writes).
      await repo.endSession(USER, 'PA_1', 1_000, new Date('2026-01-01T00:00:00Z'));
      expect(await seated()).toEqual([USER]);
      // Touched just now: to a LiveKit list taken before the session began it would look unused.
      expect((await v.reconciler.reconcileOnce()).seatsFreed).toBe(0);
      v.advance(SEAT_JOIN_GRACE_MS + 1);
      expect((await v.reconciler.reconcileOnce()).seatsFreed).toBe(1);
      expect(await joinCode(OTHER)).toBe('OK');
    });

    it('when a seat is still held for an unused token, then the reconciler keeps it', async () => {
      await joinCode(USER);
      v.advance(SEAT_JOIN_GRACE_MS + 1);
      expect((await v.reconciler.reconcileOnce()).seatsFreed).toBe(0);
      expect(await seated()).toEqual([USER]);
    });

    it('when someone is in a limited room without a seat (connected before seats existed), then the reconciler gives them one and never evicts them', async () => {
      v.limit(CHANNEL_A, 1);
      v.inRoom(CHANNEL_A, [
        { sid: 'PA_1', identity: USER, joinedAtMs: 1_000 },
        { sid: 'PO_1', identity: OTHER, joinedAtMs: 1_100 },
      ]);
      await v.reconciler.reconcileOnce();
      expect(v.rooms.removed).toHaveLength(1);
      expect((await seated()).length).toBe(1);
    });

    it('when a member is kicked while holding an unused token, then their seat is released and connecting with the token gets them removed', async () => {
      await joinCode(USER);
      v.access.guildPerms.delete(`${USER}:${GUILD}`);
      v.access.channelPerms.delete(`${USER}:${CHANNEL_A}`);
      await v.service.removeFromGuildVoice(GUILD, USER, OTHER);
      expect(await seated()).toEqual([]);
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_1', 1_000, USER));
      expect(v.rooms.removed).toEqual([{ room: voiceRoomName(CHANNEL_A), identity: USER }]);
      expect(await channelOf(repo, USER)).toBeNull();
      expect(v.voiceEvents()).toEqual([]);
    });

    it('when a banned user (membership not yet removed) connects with an old token, then they are removed', async () => {
      v.limit(CHANNEL_A, 0);
      await joinCode(USER);
      v.access.bans.add(`${USER}:${GUILD}`);
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_1', 1_000, USER));
      expect(v.rooms.removed).toEqual([{ room: voiceRoomName(CHANNEL_A), identity: USER }]);
      expect(await channelOf(repo, USER)).toBeNull();
    });

    it('when a member lost CONNECT after getting a token, then their connection is removed', async () => {
      await joinCode(USER);
      v.access.channelPerms.set(`${USER}:${CHANNEL_A}`, Permission.VIEW_CHANNEL);
      await v.service.applyWebhook(fact('participant_joined', CHANNEL_A, 'PA_1', 1_000, USER));
      expect(v.rooms.removed).toEqual([{ room: voiceRoomName(CHANNEL_A), identity: USER }]);
      expect(await seated()).toEqual([]);
    });
  });
}

async function channelOf(repo: VoiceRepo, userId: string): Promise<string | null> {
  return (await repo.findByUser(userId))?.channelId ?? null;
}
