import { describe, expect, it } from 'vitest';
import type { BusyPreference, Call, CallEvent, CallRecipientInput, CallResult, CalleeActivity, RefusalCode } from './call-machine';
import {
  CONNECT_GRACE_MS,
  MAX_CALL_PARTICIPANTS,
  RING_TIMEOUT_MS,
  applyCallEvent,
  callHistory,
  decideRing,
  isEnded,
  nextDeadline,
  startCall,
} from './call-machine';

const A = 'ann';
const B = 'bob';
const C = 'cat';
const D = 'dan';
const STRANGER = 'eve';
const T0 = new Date('2026-12-05T10:00:00.000Z');
const at = (ms: number): Date => new Date(T0.getTime() + ms);
const IDLE: CalleeActivity = { kind: 'idle' };

function recipient(
  userId: string,
  sessions: string[],
  activity: CalleeActivity = IDLE,
  preference: BusyPreference = 'busy',
): CallRecipientInput {
  return { userId, sessions, activity, preference };
}

function ok(result: CallResult): Extract<CallResult, { ok: true }> {
  if (!result.ok) throw new Error(`refused: ${result.refusal.code}`);
  return result;
}

/** A calls the recipients at T0 (default: B on two devices). */
function start(recipients: CallRecipientInput[] = [recipient(B, ['b1', 'b2'])]): Call {
  return ok(startCall({ callId: 'call1', channelId: 'dm1', callerId: A, recipients, now: T0 })).call;
}

function step(call: Call, event: CallEvent) {
  return ok(applyCallEvent(call, event));
}

/** Applies events in order; each must be accepted. */
function run(call: Call, ...events: CallEvent[]): Call {
  return events.reduce((c, e) => step(c, e).call, call);
}

/** Asserts the event is refused with `code` and that the call it was given is left exactly as it was. */
function expectRefused(call: Call, event: CallEvent, code: RefusalCode): void {
  const before = structuredClone(call);
  const result = applyCallEvent(call, event);
  expect(result.ok ? 'accepted' : result.refusal.code).toBe(code);
  expect(call).toEqual(before);
}

const statuses = (call: Call): Record<string, string> => Object.fromEntries(call.participants.map((p) => [p.userId, p.status]));
const participant = (call: Call, userId: string) => call.participants.find((p) => p.userId === userId)!;
const accept = (userId: string, session: string, ms: number): CallEvent => ({ type: 'accept', userId, session, now: at(ms) });
const decline = (userId: string, ms: number): CallEvent => ({ type: 'decline', userId, now: at(ms) });
const hangUp = (userId: string, ms: number): CallEvent => ({ type: 'hangUp', userId, now: at(ms) });
const joined = (userId: string, ms: number, sid = `PA_${userId}`): CallEvent => ({ type: 'participantJoined', userId, sid, now: at(ms) });
const left = (userId: string, ms: number, sid = `PA_${userId}`): CallEvent => ({ type: 'participantLeft', userId, sid, now: at(ms) });
const tick = (ms: number): CallEvent => ({ type: 'tick', now: at(ms) });
const ALL = [A, B];
const GROUP = [A, B, C];

/** A 1:1 call that B answered on b1 at 5 s, with both in the room from 6 s. */
function connected1to1(): Call {
  return run(start(), accept(B, 'b1', 5_000), joined(A, 1_000), joined(B, 6_000));
}

describe('call machine: ringing', () => {
  it('when A calls B, then A is admitted to the room and every session of B rings until the timeout', () => {
    const { call, effects } = ok(
      startCall({ callId: 'call1', channelId: 'dm1', callerId: A, recipients: [recipient(B, ['b1', 'b2'])], now: T0 }),
    );
    expect(effects).toEqual([
      { type: 'admit', userId: A, session: null },
      { type: 'ring', userId: B, sessions: ['b1', 'b2'], waiting: false },
      { type: 'announce', to: ALL },
    ]);
    expect(call).toMatchObject({
      id: 'call1',
      channelId: 'dm1',
      callerId: A,
      phase: 'ringing',
      version: 1,
      startedAt: T0,
      answeredAt: null,
    });
    expect(participant(call, A)).toMatchObject({ role: 'caller', status: 'connecting', connectBy: at(CONNECT_GRACE_MS) });
    expect(participant(call, B)).toMatchObject({
      role: 'recipient',
      status: 'ringing',
      ringingSessions: ['b1', 'b2'],
      ringUntil: at(RING_TIMEOUT_MS),
    });
  });

  it('when A calls a group, then each recipient rings on each of their own sessions', () => {
    const { effects } = ok(
      startCall({ callId: 'g', channelId: 'dm2', callerId: A, recipients: [recipient(B, ['b1']), recipient(C, ['c1', 'c2'])], now: T0 }),
    );
    expect(effects).toEqual([
      { type: 'admit', userId: A, session: null },
      { type: 'ring', userId: B, sessions: ['b1'], waiting: false },
      { type: 'ring', userId: C, sessions: ['c1', 'c2'], waiting: false },
      { type: 'announce', to: GROUP },
    ]);
  });

  it('when a recipient has no session open, then nothing rings for them yet but they ring until the timeout', () => {
    const { call, effects } = ok(startCall({ callId: 'c', channelId: 'dm', callerId: A, recipients: [recipient(B, [])], now: T0 }));
    expect(effects).toEqual([
      { type: 'admit', userId: A, session: null },
      { type: 'announce', to: ALL },
    ]);
    expect(statuses(call)).toEqual({ [A]: 'connecting', [B]: 'ringing' });
  });

  it.each([
    ['nobody', []],
    ['the caller', [A]],
    ['someone twice', [B, B]],
    ['more people than a group DM holds', Array.from({ length: MAX_CALL_PARTICIPANTS }, (_, i) => `u${i}`)],
  ])('when the call would include %s, then it is refused as invalid', (_, ids) => {
    const result = startCall({ callId: 'c', channelId: 'dm', callerId: A, recipients: ids.map((id) => recipient(id, ['s'])), now: T0 });
    expect(result.ok ? 'accepted' : result.refusal.code).toBe('invalid-participants');
  });

  it('when a group has the most people a group DM holds, then all of them ring', () => {
    const ids = Array.from({ length: MAX_CALL_PARTICIPANTS - 1 }, (_, i) => `u${i}`);
    const { call } = ok(
      startCall({ callId: 'c', channelId: 'dm', callerId: A, recipients: ids.map((id) => recipient(id, ['s'])), now: T0 }),
    );
    expect(call.participants.filter((p) => p.status === 'ringing')).toHaveLength(MAX_CALL_PARTICIPANTS - 1);
  });

  it('when a ringing user opens another session, then it rings too, and answering elsewhere stops it', () => {
    const first = step(start(), { type: 'sessionOpened', userId: B, session: 'b3', now: at(3_000) });
    expect(first.effects).toEqual([{ type: 'ring', userId: B, sessions: ['b3'], waiting: false }]);
    expect(participant(first.call, B).ringingSessions).toEqual(['b1', 'b2', 'b3']);
    expect(step(first.call, accept(B, 'b1', 4_000)).effects[1]).toEqual({
      type: 'stopRinging',
      userId: B,
      sessions: ['b2', 'b3'],
      reason: 'answered-elsewhere',
    });
  });

  it('when a session opens for someone not ringing or one already ringing, then nothing changes', () => {
    const call = start();
    for (const event of [
      { type: 'sessionOpened', userId: A, session: 'a2', now: at(1) },
      { type: 'sessionOpened', userId: B, session: 'b1', now: at(1) },
      { type: 'sessionOpened', userId: B, session: 'b9', now: at(RING_TIMEOUT_MS) },
    ] as const) {
      const result = step(call, event);
      expect(result.call).toBe(call);
      expect(result.effects).toEqual([]);
    }
  });

  it('when a ringing session disconnects, then it no longer rings and a later decline stops only the others', () => {
    const { call, effects } = step(start(), { type: 'sessionGone', userId: B, session: 'b2', now: at(2_000) });
    expect(effects).toEqual([]);
    expect(participant(call, B).ringingSessions).toEqual(['b1']);
    expect(call.version).toBe(2);
    expect(step(call, decline(B, 3_000)).effects[0]).toEqual({ type: 'stopRinging', userId: B, sessions: ['b1'], reason: 'declined' });
  });

  it('when an unknown session disconnects, then nothing changes', () => {
    const call = start();
    const result = step(call, { type: 'sessionGone', userId: B, session: 'zz', now: at(1) });
    expect(result.call).toBe(call);
    expect(result.effects).toEqual([]);
  });

  it('when every session of B is gone, then B still rings until the timeout (a reloaded client can still answer)', () => {
    const call = run(
      start(),
      joined(A, 1),
      { type: 'sessionGone', userId: B, session: 'b1', now: at(1) },
      { type: 'sessionGone', userId: B, session: 'b2', now: at(2) },
    );
    expect(statuses(call)[B]).toBe('ringing');
    expect(step(call, tick(RING_TIMEOUT_MS)).effects).toEqual([
      { type: 'end', outcome: 'missed', startedAt: T0, answeredAt: null, endedAt: at(RING_TIMEOUT_MS), durationMs: 0 },
      { type: 'announce', to: ALL },
    ]);
  });
});

describe('call machine: busy', () => {
  it.each([
    [IDLE, 'busy', { ring: true, waiting: false }],
    [IDLE, 'call-waiting', { ring: true, waiting: false }],
    [{ kind: 'call', callId: 'x' }, 'busy', { ring: false, reason: 'in-call' }],
    [{ kind: 'voice', channelId: 'v' }, 'busy', { ring: false, reason: 'in-voice' }],
    [{ kind: 'call', callId: 'x' }, 'call-waiting', { ring: true, waiting: true }],
    [{ kind: 'voice', channelId: 'v' }, 'call-waiting', { ring: true, waiting: true }],
  ] as const)('when the callee is %o and prefers %s, then the decision is %o', (activity, preference, expected) => {
    expect(decideRing(activity, preference)).toEqual(expected);
  });

  it('when the only callee is in another call, then the call is refused as busy with the reason for the caller', () => {
    const result = startCall({
      callId: 'c',
      channelId: 'dm',
      callerId: A,
      recipients: [recipient(B, ['b1'], { kind: 'call', callId: 'other' })],
      now: T0,
    });
    expect(result).toEqual({
      ok: false,
      refusal: { code: 'busy', message: 'Everyone called is busy', busy: [{ userId: B, reason: 'in-call' }] },
    });
  });

  it('when the callee in a voice channel prefers call-waiting, then their sessions ring as call waiting', () => {
    const { call, effects } = ok(
      startCall({
        callId: 'c',
        channelId: 'dm',
        callerId: A,
        recipients: [recipient(B, ['b1'], { kind: 'voice', channelId: 'v' }, 'call-waiting')],
        now: T0,
      }),
    );
    expect(effects[1]).toEqual({ type: 'ring', userId: B, sessions: ['b1'], waiting: true });
    const more = step(call, { type: 'sessionOpened', userId: B, session: 'b2', now: at(1) });
    expect(more.effects).toEqual([{ type: 'ring', userId: B, sessions: ['b2'], waiting: true }]);
  });

  it('when one member of a group is busy, then the others ring, the busy one is marked, and it does not count as a decline', () => {
    const { call, effects } = ok(
      startCall({
        callId: 'g',
        channelId: 'dm',
        callerId: A,
        recipients: [recipient(B, ['b1'], { kind: 'voice', channelId: 'v' }), recipient(C, ['c1'])],
        now: T0,
      }),
    );
    expect(effects).toEqual([
      { type: 'admit', userId: A, session: null },
      { type: 'ring', userId: C, sessions: ['c1'], waiting: false },
      { type: 'announce', to: GROUP },
    ]);
    expect(participant(call, B)).toMatchObject({ status: 'busy', busyReason: 'in-voice', ringingSessions: [] });
    // C declines: everyone who could answer declined, so the call was declined (B was never asked).
    expect(step(call, decline(C, 1_000)).call.outcome).toBe('declined');
  });
});

describe('call machine: accept (multi-device)', () => {
  it('when B accepts on one session, then that one stops as answered, the other as answered elsewhere, and B is admitted', () => {
    const { call, effects } = step(start(), accept(B, 'b1', 5_000));
    expect(effects).toEqual([
      { type: 'stopRinging', userId: B, sessions: ['b1'], reason: 'answered' },
      { type: 'stopRinging', userId: B, sessions: ['b2'], reason: 'answered-elsewhere' },
      { type: 'admit', userId: B, session: 'b1' },
      { type: 'announce', to: ALL },
    ]);
    expect(call).toMatchObject({ phase: 'ongoing', answeredAt: at(5_000), version: 2 });
    expect(participant(call, B)).toMatchObject({
      status: 'connecting',
      ringingSessions: [],
      ringUntil: null,
      answeredAt: at(5_000),
      connectBy: at(5_000 + CONNECT_GRACE_MS),
    });
  });

  it('when B accepts from a session that was not ringing, then all ringing sessions stop as answered elsewhere', () => {
    const { effects } = step(start(), accept(B, 'b9', 5_000));
    expect(effects).toEqual([
      { type: 'stopRinging', userId: B, sessions: ['b1', 'b2'], reason: 'answered-elsewhere' },
      { type: 'admit', userId: B, session: 'b9' },
      { type: 'announce', to: ALL },
    ]);
  });

  it('when the ring timed out but no tick has recorded it yet, then an accept at 30 s is refused and 29.999 s is not', () => {
    expectRefused(start(), accept(B, 'b1', RING_TIMEOUT_MS), 'not-ringing');
    expect(statuses(step(start(), accept(B, 'b1', RING_TIMEOUT_MS - 1)).call)[B]).toBe('connecting');
  });

  it('refuses an accept by the caller, a second accept, a stranger, and one after the call ended', () => {
    const call = start();
    expectRefused(call, accept(A, 'a1', 1_000), 'not-ringing');
    expectRefused(step(call, accept(B, 'b1', 1_000)).call, accept(B, 'b2', 2_000), 'not-ringing');
    expectRefused(call, accept(STRANGER, 'e1', 1_000), 'not-a-participant');
    expectRefused(step(call, decline(B, 1_000)).call, accept(B, 'b1', 2_000), 'call-ended');
  });
});

describe('call machine: decline', () => {
  it('when B declines a 1:1 call on one device, then both devices stop ringing and the call ends as declined', () => {
    const { call, effects } = step(start(), decline(B, 4_000));
    expect(effects).toEqual([
      { type: 'stopRinging', userId: B, sessions: ['b1', 'b2'], reason: 'declined' },
      { type: 'end', outcome: 'declined', startedAt: T0, answeredAt: null, endedAt: at(4_000), durationMs: 0 },
      { type: 'announce', to: ALL },
    ]);
    expect(call).toMatchObject({ phase: 'ended', outcome: 'declined', endedAt: at(4_000) });
    expect(statuses(call)).toEqual({ [A]: 'left', [B]: 'declined' });
  });

  it('when one member of a group declines and another answers, then the call goes on', () => {
    const group = start([recipient(B, ['b1']), recipient(C, ['c1'])]);
    const declined = step(group, decline(B, 2_000));
    expect(declined.effects).toEqual([
      { type: 'stopRinging', userId: B, sessions: ['b1'], reason: 'declined' },
      { type: 'announce', to: GROUP },
    ]);
    expect(declined.call.phase).toBe('ringing');
    const answered = step(declined.call, accept(C, 'c1', 3_000));
    expect(answered.call.phase).toBe('ongoing');
    expect(statuses(answered.call)).toEqual({ [A]: 'connecting', [B]: 'declined', [C]: 'connecting' });
  });

  it('when every member of a group declines, then the call ends as declined when the last one does', () => {
    const group = start([recipient(B, ['b1']), recipient(C, ['c1'])]);
    const call = run(group, decline(B, 2_000), decline(C, 3_000));
    expect(call).toMatchObject({ phase: 'ended', outcome: 'declined', endedAt: at(3_000) });
  });

  it('when one member of a group declines and the other never answers, then the call ends as missed at the timeout', () => {
    const group = run(start([recipient(B, ['b1']), recipient(C, ['c1'])]), joined(A, 1_000), decline(B, 2_000));
    const { call, effects } = step(group, tick(RING_TIMEOUT_MS));
    expect(effects).toEqual([
      { type: 'stopRinging', userId: C, sessions: ['c1'], reason: 'timeout' },
      { type: 'end', outcome: 'missed', startedAt: T0, answeredAt: null, endedAt: at(RING_TIMEOUT_MS), durationMs: 0 },
      { type: 'announce', to: GROUP },
    ]);
    expect(statuses(call)).toEqual({ [A]: 'left', [B]: 'declined', [C]: 'missed' });
  });

  it('when one member of a group declines after another answered, then only their ringing stops', () => {
    const group = start([recipient(B, ['b1']), recipient(C, ['c1'])]);
    const { call, effects } = step(step(group, accept(B, 'b1', 1_000)).call, decline(C, 2_000));
    expect(effects).toEqual([
      { type: 'stopRinging', userId: C, sessions: ['c1'], reason: 'declined' },
      { type: 'announce', to: GROUP },
    ]);
    expect(call.phase).toBe('ongoing');
  });

  it('refuses a decline by the caller, a second decline, one after answering, one after the timeout, and a stranger', () => {
    const group = start([recipient(B, ['b1']), recipient(C, ['c1'])]);
    expectRefused(group, decline(A, 1_000), 'not-ringing');
    expectRefused(step(group, decline(B, 1_000)).call, decline(B, 2_000), 'not-ringing');
    expectRefused(step(group, accept(B, 'b1', 1_000)).call, decline(B, 2_000), 'not-ringing');
    expectRefused(group, decline(B, RING_TIMEOUT_MS), 'not-ringing');
    expectRefused(group, decline(STRANGER, 1_000), 'not-a-participant');
  });
});

describe('call machine: cancel', () => {
  it('when the caller cancels before anyone answered, then the ringing stops everywhere and the call ends as cancelled', () => {
    const group = start([recipient(B, ['b1', 'b2']), recipient(C, ['c1'])]);
    const { call, effects } = step(group, { type: 'cancel', userId: A, now: at(7_000) });
    expect(effects).toEqual([
      { type: 'stopRinging', userId: B, sessions: ['b1', 'b2'], reason: 'cancelled' },
      { type: 'stopRinging', userId: C, sessions: ['c1'], reason: 'cancelled' },
      { type: 'end', outcome: 'cancelled', startedAt: T0, answeredAt: null, endedAt: at(7_000), durationMs: 0 },
      { type: 'announce', to: GROUP },
    ]);
    expect(statuses(call)).toEqual({ [A]: 'left', [B]: 'missed', [C]: 'missed' });
  });

  it('when the caller hangs up before anyone answered, then it is the same as a cancel', () => {
    const call = start();
    const viaHangUp = step(call, hangUp(A, 7_000));
    expect(viaHangUp).toEqual(step(call, { type: 'cancel', userId: A, now: at(7_000) }));
    expect(viaHangUp.call.outcome).toBe('cancelled');
  });

  it('refuses a cancel by a recipient, by a stranger, after an answer, and after the end', () => {
    const call = start();
    expectRefused(call, { type: 'cancel', userId: B, now: at(1) }, 'not-caller');
    expectRefused(call, { type: 'cancel', userId: STRANGER, now: at(1) }, 'not-a-participant');
    expectRefused(step(call, accept(B, 'b1', 1)).call, { type: 'cancel', userId: A, now: at(2) }, 'already-answered');
    expectRefused(step(call, decline(B, 1)).call, { type: 'cancel', userId: A, now: at(2) }, 'call-ended');
  });
});

describe('call machine: timeouts (injected clock)', () => {
  it('when 29.999 s have passed, then B still rings; at 30 s B has missed it and A sees no answer', () => {
    const call = step(start(), joined(A, 1_000)).call;
    const early = step(call, tick(RING_TIMEOUT_MS - 1));
    expect(early.call).toBe(call);
    expect(early.effects).toEqual([]);

    const { call: ended, effects } = step(call, tick(RING_TIMEOUT_MS));
    expect(effects).toEqual([
      { type: 'stopRinging', userId: B, sessions: ['b1', 'b2'], reason: 'timeout' },
      { type: 'end', outcome: 'missed', startedAt: T0, answeredAt: null, endedAt: at(RING_TIMEOUT_MS), durationMs: 0 },
      { type: 'announce', to: ALL },
    ]);
    expect(statuses(ended)).toEqual({ [A]: 'left', [B]: 'missed' });
    expect(callHistory(isEndedOrThrow(ended)).map((h) => [h.userId, h.outcome])).toEqual([
      [A, 'missed'],
      [B, 'missed'],
    ]);
  });

  it('when a group member answered and another never does, then the latter is missed at 30 s and the call goes on', () => {
    const group = run(start([recipient(B, ['b1']), recipient(C, ['c1'])]), accept(B, 'b1', 1_000), joined(A, 500), joined(B, 2_000));
    const { call, effects } = step(group, tick(RING_TIMEOUT_MS));
    expect(effects).toEqual([
      { type: 'stopRinging', userId: C, sessions: ['c1'], reason: 'timeout' },
      { type: 'announce', to: GROUP },
    ]);
    expect(statuses(call)).toEqual({ [A]: 'joined', [B]: 'joined', [C]: 'missed' });
  });

  it('when the next deadline is asked for, then it is the earliest pending ring or connect deadline', () => {
    const call = start();
    expect(nextDeadline(call)).toEqual(at(CONNECT_GRACE_MS));
    const callerIn = step(call, joined(A, 1_000)).call;
    expect(nextDeadline(callerIn)).toEqual(at(RING_TIMEOUT_MS));
    expect(nextDeadline(run(callerIn, accept(B, 'b1', 2_000), joined(B, 3_000)))).toBeNull();
    expect(nextDeadline(step(callerIn, decline(B, 2_000)).call)).toBeNull();
  });

  it('when the caller never connects to the room, then at the grace the call ends as failed and the ringing stops', () => {
    const call = start();
    expect(step(call, tick(CONNECT_GRACE_MS - 1)).call).toBe(call);
    const { call: ended, effects } = step(call, tick(CONNECT_GRACE_MS));
    expect(effects).toEqual([
      { type: 'stopRinging', userId: B, sessions: ['b1', 'b2'], reason: 'ended' },
      { type: 'end', outcome: 'failed', startedAt: T0, answeredAt: null, endedAt: at(CONNECT_GRACE_MS), durationMs: 0 },
      { type: 'announce', to: ALL },
    ]);
    expect(statuses(ended)).toEqual({ [A]: 'left', [B]: 'missed' });
  });

  it('refuses a tick on an ended call', () => {
    expectRefused(step(start(), decline(B, 1)).call, tick(RING_TIMEOUT_MS), 'call-ended');
  });
});

describe('call machine: the room (LiveKit webhooks)', () => {
  it('when both sides connect, then each join is announced and the call counts as connected from the second one', () => {
    const answered = step(start(), accept(B, 'b1', 5_000)).call;
    const first = step(answered, joined(A, 5_500));
    expect(first.effects).toEqual([{ type: 'announce', to: ALL }]);
    expect(first.call.connectedAt).toBeNull();
    const second = step(first.call, joined(B, 6_000));
    expect(second.effects).toEqual([{ type: 'announce', to: ALL }]);
    expect(second.call).toMatchObject({ connectedAt: at(6_000), version: 4 });
    expect(participant(second.call, B)).toMatchObject({ status: 'joined', roomSid: 'PA_bob', joinedAt: at(6_000), connectBy: null });
  });

  it('when the caller connects while B still rings, then B keeps ringing and the caller has no deadline', () => {
    const { call } = step(start(), joined(A, 1_000));
    expect(statuses(call)).toEqual({ [A]: 'joined', [B]: 'ringing' });
    expect(participant(call, A).connectBy).toBeNull();
  });

  it('when a join webhook is replayed, then nothing changes; a newer connection replaces the sid quietly', () => {
    const call = connected1to1();
    const replay = step(call, joined(B, 7_000));
    expect(replay.call).toBe(call);
    expect(replay.effects).toEqual([]);
    const newer = step(call, joined(B, 8_000, 'PA_bob2'));
    expect(newer.effects).toEqual([]);
    expect(participant(newer.call, B).roomSid).toBe('PA_bob2');
    // The old connection's late "left" does not unseat the new one.
    const stale = step(newer.call, left(B, 8_100, 'PA_bob'));
    expect(stale.call).toBe(newer.call);
  });

  it('refuses a join by a stranger, by someone who has not accepted, by someone who declined, and after the end', () => {
    const group = start([recipient(B, ['b1']), recipient(C, ['c1'])]);
    expectRefused(group, joined(STRANGER, 1_000), 'not-a-participant');
    expectRefused(group, joined(B, 1_000), 'not-admitted');
    expectRefused(step(group, decline(B, 1_000)).call, joined(B, 2_000), 'not-admitted');
    expectRefused(step(start(), decline(B, 1_000)).call, joined(A, 2_000), 'call-ended');
  });

  it('when someone who hung up connects again with their old token, then the join is refused so the service removes them', () => {
    const group = run(
      start([recipient(B, ['b1']), recipient(C, ['c1'])]),
      accept(B, 'b1', 1_000),
      accept(C, 'c1', 1_000),
      hangUp(B, 2_000),
    );
    expectRefused(group, joined(B, 3_000), 'not-admitted');
  });

  it('when B accepts but never connects, then at the grace B counts as left and the 1:1 call ends as failed', () => {
    const answered = run(start(), joined(A, 1_000), accept(B, 'b1', 5_000));
    const grace = 5_000 + CONNECT_GRACE_MS;
    expect(step(answered, tick(grace - 1)).call).toBe(answered);
    const { call, effects } = step(answered, tick(grace));
    expect(effects).toEqual([
      { type: 'end', outcome: 'failed', startedAt: T0, answeredAt: at(5_000), endedAt: at(grace), durationMs: 0 },
      { type: 'announce', to: ALL },
    ]);
    expect(statuses(call)).toEqual({ [A]: 'left', [B]: 'left' });
  });

  it('when a connection drops and comes back within the grace, then the call goes on', () => {
    const dropped = step(connected1to1(), left(B, 10_000));
    expect(dropped.effects).toEqual([{ type: 'announce', to: ALL }]);
    expect(participant(dropped.call, B)).toMatchObject({ status: 'connecting', roomSid: null, connectBy: at(10_000 + CONNECT_GRACE_MS) });
    const back = run(dropped.call, joined(B, 12_000, 'PA_bob2'), tick(60_000));
    expect(back.phase).toBe('ongoing');
    expect(statuses(back)).toEqual({ [A]: 'joined', [B]: 'joined' });
    // The first connection is what the call history counts from.
    expect(participant(back, B)).toMatchObject({ joinedAt: at(6_000), roomSid: 'PA_bob2' });
  });

  it('when the other side of a 1:1 leaves the room for good, then the call ends as answered at the grace', () => {
    const dropped = step(connected1to1(), left(B, 65_000)).call;
    const end = 65_000 + CONNECT_GRACE_MS;
    const { effects } = step(dropped, tick(end));
    expect(effects).toEqual([
      { type: 'end', outcome: 'answered', startedAt: T0, answeredAt: at(5_000), endedAt: at(end), durationMs: end - 5_000 },
      { type: 'announce', to: ALL },
    ]);
  });

  it('when everyone drops (a crash), then the empty room ends at the grace even if the reconciler ticks much later', () => {
    const empty = run(connected1to1(), left(A, 20_000), left(B, 20_000));
    expect(step(empty, tick(20_000 + CONNECT_GRACE_MS - 1)).call).toBe(empty);
    const { call } = step(empty, tick(3_600_000));
    expect(call).toMatchObject({ phase: 'ended', outcome: 'answered', endedAt: at(3_600_000) });
  });

  it('when the join arrives just past the grace but before the tick that would mark them left, then they are in', () => {
    const answered = run(start(), joined(A, 1_000), accept(B, 'b1', 5_000));
    const late = step(answered, joined(B, 5_000 + CONNECT_GRACE_MS + 1)).call;
    expect(statuses(step(late, tick(5_000 + CONNECT_GRACE_MS + 2)).call)).toEqual({ [A]: 'joined', [B]: 'joined' });
  });

  it('when a "left" arrives for someone not in the room, then nothing changes', () => {
    const call = step(start(), accept(B, 'b1', 1_000)).call;
    const result = step(call, left(B, 2_000));
    expect(result.call).toBe(call);
    expect(result.effects).toEqual([]);
  });
});

describe('call machine: hang up', () => {
  it('when A hangs up an answered 1:1 call, then A is removed from the room and the call ends as answered with its duration', () => {
    const { call, effects } = step(connected1to1(), hangUp(A, 65_000));
    expect(effects).toEqual([
      { type: 'disconnect', userId: A },
      { type: 'end', outcome: 'answered', startedAt: T0, answeredAt: at(5_000), endedAt: at(65_000), durationMs: 60_000 },
      { type: 'announce', to: ALL },
    ]);
    expect(call).toMatchObject({ phase: 'ended', outcome: 'answered', endedAt: at(65_000) });
    expect(statuses(call)).toEqual({ [A]: 'left', [B]: 'left' });
  });

  it('when B hangs up while still connecting, then the call ends as failed', () => {
    const { call } = step(run(start(), joined(A, 1), accept(B, 'b1', 1_000)), hangUp(B, 2_000));
    expect(call.outcome).toBe('failed');
  });

  it('when one of three hangs up, then the call goes on; when the last other participant leaves, it ends', () => {
    const group = run(
      start([recipient(B, ['b1']), recipient(C, ['c1'])]),
      accept(B, 'b1', 1_000),
      accept(C, 'c1', 2_000),
      joined(A, 500),
      joined(B, 1_500),
      joined(C, 2_500),
    );
    expect(group.connectedAt).toEqual(at(1_500));
    const first = step(group, hangUp(B, 30_000));
    expect(first.effects).toEqual([
      { type: 'disconnect', userId: B },
      { type: 'announce', to: GROUP },
    ]);
    expect(first.call.phase).toBe('ongoing');
    const last = step(first.call, hangUp(C, 90_000));
    expect(last.effects).toEqual([
      { type: 'disconnect', userId: C },
      { type: 'end', outcome: 'answered', startedAt: T0, answeredAt: at(1_000), endedAt: at(90_000), durationMs: 89_000 },
      { type: 'announce', to: GROUP },
    ]);
    expect(statuses(last.call)).toEqual({ [A]: 'left', [B]: 'left', [C]: 'left' });
  });

  it('when the caller of a group call hangs up, then the others go on without them', () => {
    const group = run(start([recipient(B, ['b1']), recipient(C, ['c1'])]), accept(B, 'b1', 1_000), accept(C, 'c1', 2_000));
    const { call } = step(group, hangUp(A, 3_000));
    expect(call.phase).toBe('ongoing');
    expect(statuses(call)).toEqual({ [A]: 'left', [B]: 'connecting', [C]: 'connecting' });
  });

  it('when the answered members of a group leave while one still rings, then the call ends and that ring stops', () => {
    const group = run(start([recipient(B, ['b1']), recipient(C, ['c1'])]), accept(B, 'b1', 1_000), hangUp(A, 2_000));
    const { call, effects } = step(group, hangUp(B, 3_000));
    expect(effects).toEqual([
      { type: 'disconnect', userId: B },
      { type: 'stopRinging', userId: C, sessions: ['c1'], reason: 'ended' },
      { type: 'end', outcome: 'failed', startedAt: T0, answeredAt: at(1_000), endedAt: at(3_000), durationMs: 0 },
      { type: 'announce', to: GROUP },
    ]);
    expect(statuses(call)).toEqual({ [A]: 'left', [B]: 'left', [C]: 'missed' });
  });

  it('refuses a hang-up by someone still ringing, someone who already left, a stranger, and after the end', () => {
    const group = run(start([recipient(B, ['b1']), recipient(C, ['c1'])]), accept(B, 'b1', 1_000), accept(C, 'c1', 1_000));
    expectRefused(start([recipient(B, ['b1']), recipient(C, ['c1'])]), hangUp(B, 1_000), 'not-in-call');
    expectRefused(step(group, hangUp(B, 2_000)).call, hangUp(B, 3_000), 'not-in-call');
    expectRefused(group, hangUp(STRANGER, 2_000), 'not-a-participant');
    expectRefused(step(connected1to1(), hangUp(A, 9_000)).call, hangUp(B, 9_500), 'call-ended');
  });
});

describe('call machine: purity', () => {
  it('never changes the call it is given, and bumps the version once per change', () => {
    const call = start();
    const before = structuredClone(call);
    const next = step(call, accept(B, 'b1', 1_000)).call;
    expect(call).toEqual(before);
    expect(next.version).toBe(call.version + 1);
    expect(next).not.toBe(call);
  });
});

function isEndedOrThrow(call: Call) {
  if (!isEnded(call)) throw new Error(`call ${call.id} has not ended`);
  return call;
}

describe('call history', () => {
  const rows = (call: Call) =>
    callHistory(isEndedOrThrow(call)).map((h) => ({ userId: h.userId, direction: h.direction, outcome: h.outcome }));

  it('when a 1:1 call was answered, then both see it answered, with the duration from the answer to their end', () => {
    const history = callHistory(isEndedOrThrow(step(connected1to1(), hangUp(A, 65_000)).call));
    const common = { callId: 'call1', channelId: 'dm1', callerId: A, startedAt: T0, answeredAt: at(5_000), endedAt: at(65_000) };
    expect(history).toEqual([
      { ...common, userId: A, direction: 'outgoing', outcome: 'answered', durationMs: 60_000 },
      { ...common, userId: B, direction: 'incoming', outcome: 'answered', durationMs: 60_000 },
    ]);
  });

  it('when B declined, then both see declined with no duration', () => {
    const history = callHistory(isEndedOrThrow(step(start(), decline(B, 4_000)).call));
    expect(history.map((h) => [h.userId, h.outcome, h.answeredAt, h.endedAt, h.durationMs])).toEqual([
      [A, 'declined', null, at(4_000), 0],
      [B, 'declined', null, at(4_000), 0],
    ]);
  });

  it('when the caller cancelled, then the caller sees cancelled and the callee a missed call', () => {
    expect(rows(step(start(), { type: 'cancel', userId: A, now: at(3_000) }).call)).toEqual([
      { userId: A, direction: 'outgoing', outcome: 'cancelled' },
      { userId: B, direction: 'incoming', outcome: 'missed' },
    ]);
  });

  it('when B accepted but never connected, then both see failed', () => {
    const call = step(run(start(), joined(A, 1), accept(B, 'b1', 1_000)), tick(1_000 + CONNECT_GRACE_MS)).call;
    expect(rows(call)).toEqual([
      { userId: A, direction: 'outgoing', outcome: 'failed' },
      { userId: B, direction: 'incoming', outcome: 'failed' },
    ]);
  });

  it('when a group call was answered, then each member sees it from their own side, with their own answer and end', () => {
    const call = run(
      start([recipient(B, ['b1']), recipient(C, ['c1']), recipient(D, ['d1']), recipient(STRANGER, ['e1'], { kind: 'call', callId: 'x' })]),
      decline(C, 1_000),
      accept(B, 'b1', 2_000),
      joined(A, 500),
      joined(B, 2_500),
      tick(RING_TIMEOUT_MS),
      hangUp(B, 40_000),
    );
    expect(call.phase).toBe('ended');
    const history = callHistory(isEndedOrThrow(call));
    expect(history.map((h) => [h.userId, h.direction, h.outcome, h.answeredAt, h.endedAt, h.durationMs])).toEqual([
      [A, 'outgoing', 'answered', at(2_000), at(40_000), 38_000],
      [B, 'incoming', 'answered', at(2_000), at(40_000), 38_000],
      [C, 'incoming', 'declined', null, at(1_000), 0],
      [D, 'incoming', 'missed', null, at(RING_TIMEOUT_MS), 0],
      [STRANGER, 'incoming', 'missed', null, T0, 0],
    ]);
  });

  it('when a group member hung up early, then their duration ends when they left, not when the call did', () => {
    const call = run(
      start([recipient(B, ['b1']), recipient(C, ['c1'])]),
      accept(B, 'b1', 1_000),
      accept(C, 'c1', 3_000),
      joined(A, 500),
      joined(B, 1_500),
      joined(C, 3_500),
      hangUp(C, 13_000),
      hangUp(A, 61_000),
    );
    expect(callHistory(isEndedOrThrow(call)).map((h) => [h.userId, h.answeredAt, h.endedAt, h.durationMs])).toEqual([
      [A, at(1_000), at(61_000), 60_000],
      [B, at(1_000), at(61_000), 60_000],
      [C, at(3_000), at(13_000), 10_000],
    ]);
  });

  it('when the caller of a group never connected but two others talked, then the caller sees failed and they answered', () => {
    const call = run(
      start([recipient(B, ['b1']), recipient(C, ['c1'])]),
      accept(B, 'b1', 1_000),
      accept(C, 'c1', 2_000),
      joined(B, 1_500),
      joined(C, 2_500),
      tick(CONNECT_GRACE_MS),
    );
    expect(call.phase).toBe('ongoing');
    expect(isEnded(call)).toBe(false);
    expect(rows(step(call, hangUp(C, 30_000)).call).map((r) => r.outcome)).toEqual(['failed', 'answered', 'answered']);
  });

  it('when a member answered in a group whose conversation happened without them, then they see failed', () => {
    const call = run(
      start([recipient(B, ['b1']), recipient(C, ['c1'])]),
      accept(B, 'b1', 1_000),
      accept(C, 'c1', 2_000),
      joined(A, 500),
      joined(B, 1_500),
      tick(2_000 + CONNECT_GRACE_MS),
      hangUp(B, 30_000),
    );
    expect(rows(call).map((r) => r.outcome)).toEqual(['answered', 'answered', 'failed']);
  });
});
