import type { Call, CallConnection, CallParticipant } from '@shared/api/calls';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/http-client';
import { createVoiceStore } from '../voice/voice.store';
import { activeCall, callInChannel, createCallsStore, outgoingResultOf, ringingCalls } from './calls.store';

const ME = 'u_me';
const ALICE = 'u_alice';
const DM = 'c_dm';

function participant(userId: string, over: Partial<CallParticipant> = {}): CallParticipant {
  return { userId, role: 'recipient', status: 'ringing', waiting: false, ringUntil: null, busyReason: null, ...over };
}

function call(over: Partial<Call> = {}, parts?: CallParticipant[]): Call {
  return {
    id: 'call1',
    channelId: DM,
    callerId: ALICE,
    phase: 'ringing',
    startedAt: '2026-12-05T20:00:00.000Z',
    answeredAt: null,
    endedAt: null,
    outcome: null,
    participants: parts ?? [participant(ALICE, { role: 'caller', status: 'joined' }), participant(ME)],
    ...over,
  };
}

const conn = (c: Call): CallConnection => ({
  call: c,
  url: 'ws://sfu',
  token: `tok-${c.id}`,
  room: `call_${c.id}`,
  expiresAt: c.startedAt,
});

/** The real voice store (the engine's target) with a fake API; `connected` stands in for the controller's `current`. */
function setup() {
  const voice = createVoiceStore();
  let remembered: string | null = null;
  const api = {
    start: vi.fn(async (channelId: string, _sessionId?: string) =>
      conn(call({ id: 'out1', channelId, callerId: ME }, [participant(ME, { role: 'caller', status: 'joined' }), participant(ALICE)])),
    ),
    accept: vi.fn(async (callId: string, _sessionId?: string) => conn(call({ id: callId, phase: 'ongoing' }))),
    decline: vi.fn(async (_callId: string) => undefined),
    inChannel: vi.fn(async (_channelId: string): Promise<Call> => call()),
    leave: vi.fn(async (_callId: string) => undefined),
  };
  let connected: string | null = null;
  const store = createCallsStore({
    api: () => ({ calls: api }),
    voice: {
      joinCall: (c) => voice.getState().joinCall(c),
      leave: () => voice.getState().leave(),
      targetCallId: () => voice.getState().target?.callId ?? null,
      connectedCallId: () => connected,
    },
    rejoin: { get: () => remembered, set: (id) => void (remembered = id) },
  });
  const ready = (calls: Call[] = [], unseen = 0) =>
    store.getState().applyReady({ user: { id: ME }, sessionId: 'sess-A', calls, unseenMissedCalls: unseen });
  return {
    store,
    voice,
    api,
    ready,
    remembered: () => remembered,
    remember: (id: string | null) => void (remembered = id),
    connect: (id: string | null) => void (connected = id),
  };
}

describe('calls store', () => {
  it('when CALL_CREATE rings for me, then it is ringing until my status leaves ringing (answered on another device)', () => {
    const { store, ready } = setup();
    ready();
    store.getState().receiveCall(call());
    expect(ringingCalls(store.getState()).map((r) => [r.call.id, r.waiting])).toEqual([['call1', false]]);
    store
      .getState()
      .receiveCall(
        call({ phase: 'ongoing' }, [participant(ALICE, { role: 'caller', status: 'joined' }), participant(ME, { status: 'joined' })]),
      );
    expect(ringingCalls(store.getState())).toEqual([]);
  });

  it.each(['declined', 'missed', 'left'] as const)('when my status becomes %s, then the ringing stops', (status) => {
    const { store, ready } = setup();
    ready([call()]);
    expect(ringingCalls(store.getState())).toHaveLength(1);
    store.getState().receiveCall(call({}, [participant(ALICE, { role: 'caller', status: 'joined' }), participant(ME, { status })]));
    expect(ringingCalls(store.getState())).toEqual([]);
  });

  it('when the caller cancels (CALL_DELETE), then the ringing stops and the call is forgotten', () => {
    const { store, ready } = setup();
    ready([call()]);
    store.getState().receiveDelete({ id: 'call1', channelId: DM, outcome: 'cancelled' });
    expect(ringingCalls(store.getState())).toEqual([]);
    expect(callInChannel(store.getState(), DM)).toBeNull();
  });

  it('when the server marks the ring as waiting, or this session is in voice, then it is a call-waiting prompt', () => {
    const { store, ready } = setup();
    ready([call({}, [participant(ALICE, { role: 'caller', status: 'joined' }), participant(ME, { waiting: true })])]);
    expect(ringingCalls(store.getState())[0]?.waiting).toBe(true);
    const other = setup();
    other.ready([call()]);
    expect(ringingCalls(other.store.getState(), true)[0]?.waiting).toBe(true);
    expect(ringingCalls(other.store.getState(), false)[0]?.waiting).toBe(false);
  });

  it('when I accept, then it sends my session id, connects the engine to the call room with its token, and stops ringing', async () => {
    const { store, voice, api, ready, remembered } = setup();
    ready([call()]);
    const res = await store.getState().accept('call1');
    expect(res.ok).toBe(true);
    expect(api.accept).toHaveBeenCalledWith('call1', 'sess-A');
    expect(voice.getState().target).toEqual({
      channelId: DM,
      guildId: '',
      callId: 'call1',
      grant: { url: 'ws://sfu', token: 'tok-call1' },
    });
    expect(store.getState().activeCallId).toBe('call1');
    expect(ringingCalls(store.getState())).toEqual([]);
    expect(remembered()).toBe('call1');
  });

  it('when accepting fails (answered elsewhere), then this session stops ringing and reports the failure', async () => {
    const { store, api, voice, ready } = setup();
    ready([call()]);
    api.accept.mockRejectedValueOnce(new ApiError('CONFLICT', 'not ringing', 409));
    const res = await store.getState().accept('call1');
    expect(res.ok).toBe(false);
    expect(ringingCalls(store.getState())).toEqual([]);
    expect(voice.getState().target).toBeNull();
  });

  it('when I decline, then the ringing stops at once and the server is told', async () => {
    const { store, api, ready } = setup();
    ready([call()]);
    const p = store.getState().decline('call1');
    expect(ringingCalls(store.getState())).toEqual([]);
    await p;
    expect(api.decline).toHaveBeenCalledWith('call1');
  });

  it('when I start a call, then the engine connects with its token and the call shows as mine; hang-up leaves through the engine', async () => {
    const { store, voice, api, ready, connect } = setup();
    ready();
    await store.getState().start(DM);
    expect(api.start).toHaveBeenCalledWith(DM, 'sess-A');
    expect(activeCall(store.getState())?.id).toBe('out1');
    expect(voice.getState().target?.callId).toBe('out1');
    connect('out1'); // the engine's room is in it: the engine's converge will call leaveCall
    store.getState().hangUp();
    expect(voice.getState().target).toBeNull();
    expect(api.leave).not.toHaveBeenCalled();
    expect(store.getState().activeCallId).toBeNull();
  });

  it('when I hang up before the engine reached the call, then the store tells the server itself', async () => {
    const { store, api, ready } = setup();
    ready();
    await store.getState().start(DM);
    store.getState().hangUp();
    expect(api.leave).toHaveBeenCalledWith('out1');
  });

  it('when a call already rings for me in that DM (both pressed call at once), then starting answers it instead', async () => {
    const { store, api, voice, ready } = setup();
    ready();
    api.start.mockRejectedValueOnce(new ApiError('CONFLICT', 'a call is going on', 409));
    const res = await store.getState().start(DM);
    expect(res.ok).toBe(true);
    expect(api.inChannel).toHaveBeenCalledWith(DM);
    expect(api.accept).toHaveBeenCalledWith('call1', 'sess-A');
    expect(voice.getState().target?.callId).toBe('call1');
  });

  it('when I call from another DM while in a call, then the call I am in is hung up before the new one starts', async () => {
    const { store, api, voice, ready } = setup();
    ready();
    await store.getState().start(DM);
    api.start.mockResolvedValueOnce(conn(call({ id: 'out2', channelId: 'c_other', callerId: ME })));
    await store.getState().start('c_other');
    expect(api.leave).toHaveBeenCalledWith('out1');
    expect(api.leave.mock.invocationCallOrder[0]).toBeLessThan(api.start.mock.invocationCallOrder[1]!);
    expect(store.getState().activeCallId).toBe('out2');
    expect(voice.getState().target?.callId).toBe('out2');
  });

  it('when every recipient is busy (USER_BUSY), then the caller sees Busy and nothing connects', async () => {
    const { store, api, voice, ready } = setup();
    ready();
    api.start.mockRejectedValueOnce(new ApiError('USER_BUSY', 'busy', 409));
    const res = await store.getState().start(DM);
    expect(res.ok).toBe(false);
    expect(store.getState().outgoingResult).toEqual({ channelId: DM, result: 'busy' });
    expect(voice.getState().target).toBeNull();
  });

  it.each([
    ['declined', 'declined', 'declined'],
    ['missed', 'missed', 'no-answer'],
  ] as const)('when my outgoing call ends %s, then I see %s and the engine leaves', async (status, outcome, result) => {
    const { store, voice, ready } = setup();
    ready();
    await store.getState().start(DM);
    const ended = call({ id: 'out1', callerId: ME }, [
      participant(ME, { role: 'caller', status: 'joined' }),
      participant(ALICE, { status }),
    ]);
    store.getState().receiveCall(ended);
    store.getState().receiveDelete({ id: 'out1', channelId: DM, outcome });
    expect(store.getState().outgoingResult).toEqual({ channelId: DM, result });
    expect(store.getState().activeCallId).toBeNull();
    expect(voice.getState().target).toBeNull();
  });

  it('when the server says my unanswered call ended in a CALL_UPDATE before its CALL_DELETE, then I still see No answer', async () => {
    const { store, ready } = setup();
    ready();
    await store.getState().start(DM);
    store
      .getState()
      .receiveCall(
        call({ id: 'out1', callerId: ME, phase: 'ended', outcome: 'missed' }, [
          participant(ME, { role: 'caller', status: 'left' }),
          participant(ALICE, { status: 'missed' }),
        ]),
      );
    store.getState().receiveDelete({ id: 'out1', channelId: DM, outcome: 'missed' });
    expect(store.getState().outgoingResult).toEqual({ channelId: DM, result: 'no-answer' });
    expect(store.getState().activeCallId).toBeNull();
  });

  it('when an answered call ends, then no result is shown', () => {
    expect(outgoingResultOf(call({ answeredAt: '2026-12-05T20:00:05.000Z' }), 'answered')).toBeNull();
  });

  it('when the page reloads during a call, then READY rejoins that call without a token (the engine asks connectCall)', () => {
    const { store, voice, ready, remember } = setup();
    remember('call1');
    ready([call({ phase: 'ongoing' }, [participant(ALICE, { role: 'caller', status: 'joined' }), participant(ME, { status: 'joined' })])]);
    expect(store.getState().activeCallId).toBe('call1');
    expect(voice.getState().target).toEqual({ channelId: DM, guildId: '', callId: 'call1' });
  });

  it('when READY lists a call I joined on another device only, then this session does not take it over', () => {
    const { store, voice, ready } = setup();
    ready([call({ phase: 'ongoing' }, [participant(ALICE, { role: 'caller', status: 'joined' }), participant(ME, { status: 'joined' })])]);
    expect(store.getState().activeCallId).toBeNull();
    expect(voice.getState().target).toBeNull();
  });

  it('when the gateway reconnects and the call ended meanwhile, then the engine leaves it', async () => {
    const { store, voice, ready } = setup();
    ready();
    await store.getState().start(DM);
    ready([]);
    expect(store.getState().activeCallId).toBeNull();
    expect(voice.getState().target).toBeNull();
  });

  it('when missed calls change, then the badge count follows', () => {
    const { store, ready } = setup();
    ready([], 3);
    expect(store.getState().unseenMissed).toBe(3);
    store.getState().setUnseenMissed(0);
    expect(store.getState().unseenMissed).toBe(0);
  });
});
