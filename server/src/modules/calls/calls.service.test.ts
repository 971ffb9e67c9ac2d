import { beforeEach, describe, expect, it } from 'vitest';
import { callRoomName } from '@shared/api/calls';
import type { Call as CallView, CallHistoryEntry } from '@shared/api/calls';
import { codeOf } from '../../errors.testing';
import { CONNECT_GRACE_MS, RING_TIMEOUT_MS } from './call-machine';
import { setupCalls } from './calls.fakes';

const A = '6a00000000000000000000a1';
const B = '6a00000000000000000000b2';
const C = '6a00000000000000000000c3';
const X = '6a00000000000000000000d4';
const DM = '6b0000000000000000000001';
const GROUP = '6b0000000000000000000002';
const GUILD_CHANNEL = '6b0000000000000000000003';

describe('call service', () => {
  let t: ReturnType<typeof setupCalls>;
  beforeEach(() => {
    t = setupCalls();
    t.channels.set(DM, [A, B]);
    t.channels.set(GROUP, [A, B, C]);
    t.guildChannels.add(GUILD_CHANNEL);
    t.sessions.set(B, ['b-phone', 'b-desk']);
  });

  const eventsTo = (userId: string, event: string) => t.sent.filter((e) => e.userId === userId && e.event === event).map((e) => e.payload);
  const statusOf = (call: CallView, userId: string) => call.participants.find((p) => p.userId === userId)?.status;
  const lastUpdate = (userId: string) => eventsTo(userId, 'CALL_UPDATE').at(-1) as CallView;
  /** A joined B in the room, as LiveKit's webhooks report it. */
  async function joinRoom(callId: string, userId: string, sid: string) {
    const room = callRoomName(callId);
    t.roomState.set(room, [...(t.roomState.get(room) ?? []), { sid, identity: userId }]);
    await t.service.applyRoomFact({ kind: 'joined', callId, identity: userId, sid });
  }
  async function answeredCall() {
    const { call } = await t.service.start(A, DM, {});
    await t.service.accept(B, call.id, { sessionId: 'b-phone' });
    await joinRoom(call.id, A, 'PA_1');
    await joinRoom(call.id, B, 'PA_2');
    return call.id;
  }

  describe('start', () => {
    it("when A calls B in their DM, then both get CALL_CREATE with B ringing, and A gets a token for that call's room only", async () => {
      const conn = await t.service.start(A, DM, {});
      expect(conn.room).toBe(callRoomName(conn.call.id));
      expect(conn.url).toBe('ws://livekit.test');
      expect(t.issued).toEqual([
        expect.objectContaining({
          userId: A,
          room: callRoomName(conn.call.id),
          rights: { microphone: true, camera: true, screenShare: true, canSubscribe: true },
        }),
      ]);
      for (const user of [A, B]) {
        const [created] = eventsTo(user, 'CALL_CREATE') as CallView[];
        expect(created?.id).toBe(conn.call.id);
        expect(statusOf(created!, B)).toBe('ringing');
        expect(statusOf(created!, A)).toBe('connecting');
      }
      expect(t.sent.filter((e) => e.event === 'CALL_UPDATE')).toEqual([]);
      // The earliest deadline: the caller's connect grace.
      expect(t.timers.timers.get(conn.call.id)?.at.getTime()).toBe(t.clock.now().getTime() + CONNECT_GRACE_MS);
    });

    it('when someone who is not in the channel, or the channel is a guild channel, then 404 and 400 and nothing is stored', async () => {
      expect(await codeOf(t.service.start(X, DM, {}))).toBe('NOT_FOUND');
      expect(await codeOf(t.service.start(A, GUILD_CHANNEL, {}))).toBe('WRONG_CHANNEL_TYPE');
      expect(t.memory.heads.size).toBe(0);
      expect(t.memory.claims.size).toBe(0);
    });

    it('when a recipient does not accept calls from the caller, then 403 and nothing rings', async () => {
      t.noContact.add(`${A}>${C}`);
      expect(await codeOf(t.service.start(A, GROUP, {}))).toBe('FORBIDDEN');
      expect(t.sent).toEqual([]);
      expect(t.memory.claims.size).toBe(0);
    });

    it('when every recipient is in a voice channel, then USER_BUSY and the claims are given back, so a later call goes through', async () => {
      t.voice.add(B);
      expect(await codeOf(t.service.start(A, DM, {}))).toBe('USER_BUSY');
      expect(t.memory.claims.size).toBe(0);
      t.voice.delete(B);
      expect((await t.service.start(A, DM, {})).call.phase).toBe('ringing');
    });

    it('when one recipient of a group is busy, then the others ring and the busy one shows busy', async () => {
      t.voice.add(C);
      const { call } = await t.service.start(A, GROUP, {});
      expect(statusOf(call, B)).toBe('ringing');
      expect(call.participants.find((p) => p.userId === C)).toEqual(expect.objectContaining({ status: 'busy', busyReason: 'in-voice' }));
    });

    it('when a call starts, then its channel is surfaced for the recipients (a closed 1:1 DM comes back), once, after the call is stored', async () => {
      const { call } = await t.service.start(A, DM, {});
      expect(t.surfaced).toEqual([DM]);
      expect(await t.memory.repo.latest(call.id)).not.toBeNull();
      // A refused start (A is in a call already) surfaces nothing.
      expect(await codeOf(t.service.start(A, GROUP, {}))).toBe('CONFLICT');
      expect(t.surfaced).toEqual([DM]);
    });

    it('when a recipient in a voice channel turned call waiting on, then it rings for them as call-waiting instead of busy', async () => {
      t.voice.add(B);
      t.callWaiting.add(B);
      const { call } = await t.service.start(A, DM, {});
      expect(call.participants.find((p) => p.userId === B)).toEqual(expect.objectContaining({ status: 'ringing', waiting: true }));
    });

    it('when a call is going on in the channel, or the caller is in another call, then 409', async () => {
      await t.service.start(A, DM, {});
      expect(await codeOf(t.service.start(B, DM, {}))).toBe('CONFLICT');
      expect(await codeOf(t.service.start(A, GROUP, {}))).toBe('CONFLICT');
    });

    it('when the channel is claimed by a start whose call is not stored yet, then a second start waits its turn (409) instead of taking the claim; an old one is a crash and is taken over', async () => {
      const starting = '6c0000000000000000000009';
      await t.memory.repo.claimChannel(DM, starting, t.clock.now());
      expect(await codeOf(t.service.start(B, DM, {}))).toBe('CONFLICT');
      expect(t.memory.claims.get(`channel:${DM}`)).toBe(starting);
      t.clock.advance(61_000);
      expect((await t.service.start(B, DM, {})).call.phase).toBe('ringing');
    });

    it('when a stale claim is left by a call that ended (a crash before its release), then a new call claims over it', async () => {
      const { call } = await t.service.start(A, DM, {});
      await t.service.leave(A, call.id);
      t.memory.claims.set(`channel:${DM}`, call.id);
      t.memory.claims.set(`user:${A}`, call.id);
      expect((await t.service.start(A, DM, {})).call.phase).toBe('ringing');
    });
  });

  describe('answer, multi-device and decline', () => {
    it("when B accepts on one session, then B's CALL_UPDATE shows B connecting (every session stops ringing) and B gets a token for the room", async () => {
      const { call } = await t.service.start(A, DM, {});
      const conn = await t.service.accept(B, call.id, { sessionId: 'b-phone' });
      expect(conn.room).toBe(callRoomName(call.id));
      expect(statusOf(conn.call, B)).toBe('connecting');
      expect(t.issued.at(-1)).toEqual(expect.objectContaining({ userId: B, room: callRoomName(call.id) }));
      for (const user of [A, B]) expect(statusOf(lastUpdate(user), B)).toBe('connecting');
      expect(lastUpdate(B).phase).toBe('ongoing');
    });

    it('when B opens another session while it rings, then that session is added and hears a CALL_UPDATE; a closed one is dropped', async () => {
      const { call } = await t.service.start(A, DM, {});
      t.sent.length = 0;
      await t.service.sessionOpened(B, 'b-laptop');
      expect(eventsTo(B, 'CALL_UPDATE')).toHaveLength(1);
      expect((await t.memory.repo.latest(call.id))!.participants.find((p) => p.userId === B)!.ringingSessions).toEqual([
        'b-phone',
        'b-desk',
        'b-laptop',
      ]);
      await t.service.sessionGone(B, 'b-desk');
      expect((await t.memory.repo.latest(call.id))!.participants.find((p) => p.userId === B)!.ringingSessions).toEqual([
        'b-phone',
        'b-laptop',
      ]);
      // A session of someone not ringing changes nothing.
      const before = (await t.memory.repo.latest(call.id))!.version;
      await t.service.sessionOpened(A, 'a-2');
      expect((await t.memory.repo.latest(call.id))!.version).toBe(before);
    });

    it('when B declines, then the call ends declined: CALL_DELETE, history for both, the room closed and the claims freed', async () => {
      const { call } = await t.service.start(A, DM, {});
      await t.service.decline(B, call.id);
      for (const user of [A, B]) {
        expect(eventsTo(user, 'CALL_DELETE')).toEqual([{ id: call.id, channelId: DM, outcome: 'declined' }]);
        expect((eventsTo(user, 'CALL_HISTORY_ADD')[0] as CallHistoryEntry).outcome).toBe('declined');
      }
      expect(t.deleted).toEqual([callRoomName(call.id)]);
      expect(t.memory.claims.size).toBe(0);
      expect(t.memory.heads.get(call.id)?.active).toBe(false);
      expect(t.timers.timers.size).toBe(0);
      expect(eventsTo(B, 'MISSED_CALLS_UPDATE')).toEqual([]);
      // Acting on an ended call: 409.
      expect(await codeOf(t.service.accept(B, call.id, {}))).toBe('CONFLICT');
    });

    it('when a third user acts on the call, then 404 (the call does not exist for them)', async () => {
      const { call } = await t.service.start(A, DM, {});
      for (const attempt of [
        t.service.accept(X, call.id, {}),
        t.service.decline(X, call.id),
        t.service.connect(X, call.id),
        t.service.leave(X, call.id),
        t.service.channelCall(X, DM),
      ]) {
        expect(await codeOf(attempt)).toBe('NOT_FOUND');
      }
    });

    it('when B accepts twice, then the second is a 409 and B keeps the first answer', async () => {
      const { call } = await t.service.start(A, DM, {});
      await t.service.accept(B, call.id, { sessionId: 'b-phone' });
      expect(await codeOf(t.service.accept(B, call.id, { sessionId: 'b-desk' }))).toBe('CONFLICT');
      expect(statusOf((await t.service.connect(B, call.id)).call, B)).toBe('connecting');
    });

    it('when B rings in two calls and answers one then the other, then B hangs up the first (one call at a time)', async () => {
      t.channels.set(GROUP, [C, B]);
      const first = (await t.service.start(A, DM, {})).call.id;
      const second = (await t.service.start(C, GROUP, {})).call.id;
      await t.service.accept(B, first, { sessionId: 'b-phone' });
      await t.service.accept(B, second, { sessionId: 'b-phone' });
      const one = (await t.memory.repo.latest(first))!;
      expect(one.participants.find((p) => p.userId === B)!.status).toBe('left');
      expect(one.phase).toBe('ended');
      expect(t.memory.claims.get(`user:${B}`)).toBe(second);
    });

    it('when B is in a call and C calls B, then C gets USER_BUSY and the first call goes on', async () => {
      const first = await answeredCall();
      t.channels.set(GROUP, [C, B]);
      expect(await codeOf(t.service.start(C, GROUP, {}))).toBe('USER_BUSY');
      expect((await t.memory.repo.latest(first))!.phase).toBe('ongoing');
    });
  });

  describe('timeouts', () => {
    it('when nobody answers for 30 s, then the timer makes it missed: B badged, history missed for B (unseen) and for A, ack clears', async () => {
      const { call } = await t.service.start(A, DM, {});
      // The caller connects, so the ring timeout is what ends the call.
      await joinRoom(call.id, A, 'PA_1');
      t.clock.advance(RING_TIMEOUT_MS - 1);
      await t.timers.fireDue();
      expect((await t.memory.repo.latest(call.id))!.phase).toBe('ringing');
      t.clock.advance(1);
      expect(await t.timers.fireDue()).toBe(1);
      expect(eventsTo(B, 'CALL_DELETE')).toEqual([{ id: call.id, channelId: DM, outcome: 'missed' }]);
      expect(eventsTo(B, 'MISSED_CALLS_UPDATE')).toEqual([{ unseen: 1 }]);
      expect(eventsTo(A, 'MISSED_CALLS_UPDATE')).toEqual([]);
      const mine = await t.service.history(B, { limit: 50 });
      expect(mine.items).toEqual([
        expect.objectContaining({ callId: call.id, outcome: 'missed', direction: 'incoming', unseen: true, durationMs: 0 }),
      ]);
      expect((await t.service.readyFor(B)).unseenMissedCalls).toBe(1);
      await t.service.ackMissed(B);
      expect(eventsTo(B, 'MISSED_CALLS_UPDATE').at(-1)).toEqual({ unseen: 0 });
      expect((await t.service.history(B, { limit: 50 })).items[0]!.unseen).toBe(false);
      expect((await t.service.readyFor(B)).unseenMissedCalls).toBe(0);
    });

    it('when the clock passes the ring timeout and only the sweep runs (no timer, e.g. another instance), then the sweep ends it missed', async () => {
      const { call } = await t.service.start(A, DM, {});
      await joinRoom(call.id, A, 'PA_1');
      t.timers.timers.clear();
      t.clock.advance(RING_TIMEOUT_MS);
      expect(await t.service.sweepOnce()).toEqual({ calls: 1 });
      expect((await t.memory.repo.latest(call.id))!.outcome).toBe('missed');
      expect(await t.service.sweepOnce()).toEqual({ calls: 0 });
    });
  });

  describe('in the room', () => {
    it('when both joined and A hangs up, then A is removed from the room and the call ends answered with the duration for both', async () => {
      const callId = await answeredCall();
      t.clock.advance(65_000);
      await t.service.leave(A, callId);
      expect(t.removed).toContainEqual({ room: callRoomName(callId), identity: A });
      for (const user of [A, B]) {
        const entry = eventsTo(user, 'CALL_HISTORY_ADD')[0] as CallHistoryEntry;
        expect(entry).toEqual(expect.objectContaining({ outcome: 'answered', durationMs: 65_000 }));
        expect(entry.participants.map((p) => p.id)).toEqual([A, B]);
      }
      expect(eventsTo(B, 'CALL_DELETE')).toEqual([{ id: callId, channelId: DM, outcome: 'answered' }]);
      // The CALL_UPDATE of the end comes before the CALL_DELETE.
      const order = t.sent.filter((e) => e.userId === B).map((e) => e.event);
      expect(order.lastIndexOf('CALL_UPDATE')).toBeLessThan(order.indexOf('CALL_DELETE'));
      expect(order.indexOf('CALL_DELETE')).toBeLessThan(order.indexOf('CALL_HISTORY_ADD'));
    });

    it('when members leave the group (removed, or leaving) during its call, then a ringing one declines, a joined one is hung up and out of the room', async () => {
      const { call } = await t.service.start(A, GROUP, {});
      await t.service.accept(B, call.id, { sessionId: 'b-phone' });
      await joinRoom(call.id, A, 'PA_1');
      await joinRoom(call.id, B, 'PA_2');
      // C is still ringing when the owner removes them.
      t.channels.set(GROUP, [A, B]);
      await t.service.leftChannel(GROUP, C);
      expect(statusOf(lastUpdate(A), C)).toBe('declined');
      // B leaves the group while in the call: out of the room, and with one person left the call ends.
      t.channels.set(GROUP, [A]);
      await t.service.leftChannel(GROUP, B);
      expect(t.removed).toContainEqual({ room: callRoomName(call.id), identity: B });
      expect(eventsTo(A, 'CALL_DELETE')).toEqual([{ id: call.id, channelId: GROUP, outcome: 'answered' }]);
      // Nothing to do for someone not in a call there.
      await t.service.leftChannel(GROUP, X);
      await t.service.leftChannel(DM, C);
    });

    it('when someone who was never admitted joins the room, then they are removed from it', async () => {
      const { call } = await t.service.start(A, GROUP, {});
      await joinRoom(call.id, C, 'PA_9');
      expect(t.removed).toContainEqual({ room: callRoomName(call.id), identity: C });
      await joinRoom(call.id, X, 'PA_8');
      expect(t.removed).toContainEqual({ room: callRoomName(call.id), identity: X });
    });

    it('when LiveKit no longer has B (a lost webhook or a crash), then the sweep counts B as left and, past the grace, the call ends', async () => {
      const callId = await answeredCall();
      t.roomState.set(callRoomName(callId), [{ sid: 'PA_1', identity: A }]);
      await t.service.sweepOnce();
      expect(statusOf(lastUpdate(A), B)).toBe('connecting');
      t.clock.advance(CONNECT_GRACE_MS);
      await t.service.sweepOnce();
      expect((await t.memory.repo.latest(callId))!.phase).toBe('ended');
      expect(eventsTo(A, 'CALL_DELETE')).toEqual([{ id: callId, channelId: DM, outcome: 'answered' }]);
    });

    it('when LiveKit has a participant the webhooks never reported, then the sweep takes them as joined', async () => {
      const { call } = await t.service.start(A, DM, {});
      t.roomState.set(callRoomName(call.id), [{ sid: 'PA_1', identity: A }]);
      await t.service.sweepOnce();
      expect(statusOf(lastUpdate(A), A)).toBe('joined');
    });

    it('when the room finishes, then everyone joined counts as left (connecting, within the grace)', async () => {
      const callId = await answeredCall();
      t.roomState.delete(callRoomName(callId));
      await t.service.applyRoomFact({ kind: 'finished', callId });
      const call = lastUpdate(A);
      expect([statusOf(call, A), statusOf(call, B)]).toEqual(['connecting', 'connecting']);
    });

    it('when a reconnect is asked while connecting or joined, then a fresh token; after leaving, 409', async () => {
      const callId = await answeredCall();
      expect((await t.service.connect(B, callId)).room).toBe(callRoomName(callId));
      await t.service.leave(B, callId);
      expect(await codeOf(t.service.connect(B, callId))).toBe('CONFLICT');
    });

    it('when a webhook is about a call we do not have (another deployment on the same LiveKit), then nothing is touched', async () => {
      await t.service.applyRoomFact({ kind: 'joined', callId: '6c0000000000000000000001', identity: A, sid: 'PA_1' });
      expect(t.removed).toEqual([]);
    });
  });

  describe('storage', () => {
    it('when another step takes the same version first, then the losing step reloads and applies its event on top (nothing lost)', async () => {
      const { call } = await t.service.start(A, GROUP, {});
      // B's accept loses its version to C's decline, which lands right before it.
      t.memory.hooks.beforeInsertVersion = async () => {
        await t.service.decline(C, call.id);
      };
      const conn = await t.service.accept(B, call.id, { sessionId: 'b-phone' });
      const stored = (await t.memory.repo.latest(call.id))!;
      expect(statusOf(conn.call, B)).toBe('connecting');
      expect(stored.participants.map((p) => p.status)).toEqual(['connecting', 'connecting', 'declined']);
      // Start, the decline that won, then the accept applied again on top of it.
      expect(stored.version).toBe(3);
    });

    it('when a crash left an ended call whose end was not carried out, then the sweep finishes it (history, claims, head)', async () => {
      const { call } = await t.service.start(A, DM, {});
      const current = (await t.memory.repo.latest(call.id))!;
      const { applyCallEvent } = await import('./call-machine');
      const res = applyCallEvent(current, { type: 'cancel', userId: A, now: t.clock.now() });
      if (!res.ok) throw new Error('cancel refused');
      await t.memory.repo.insertVersion(res.call);
      expect(t.memory.heads.get(call.id)?.active).toBe(true);
      await t.service.sweepOnce();
      expect(t.memory.heads.get(call.id)?.active).toBe(false);
      expect(t.memory.claims.size).toBe(0);
      expect((await t.service.history(B, { limit: 5 })).items[0]!.outcome).toBe('missed');
    });

    it('when history has more than a page, then pages go newest first with a cursor', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const { call } = await t.service.start(A, DM, {});
        await t.service.leave(A, call.id);
        ids.push(call.id);
      }
      const first = await t.service.history(A, { limit: 2 });
      expect(first.items.map((e) => e.callId)).toEqual([ids[2], ids[1]]);
      const second = await t.service.history(A, { limit: 2, before: first.nextCursor! });
      expect(second.items.map((e) => e.callId)).toEqual([ids[0]]);
      expect(second.nextCursor).toBeNull();
      expect(first.items[0]).toEqual(expect.objectContaining({ direction: 'outgoing', outcome: 'cancelled' }));
    });

    it('READY lists the calls I am part of, not others', async () => {
      const { call } = await t.service.start(A, DM, {});
      expect((await t.service.readyFor(B)).calls.map((c) => c.id)).toEqual([call.id]);
      expect((await t.service.readyFor(X)).calls).toEqual([]);
      expect((await t.service.channelCall(B, DM)).id).toBe(call.id);
    });
  });
});
