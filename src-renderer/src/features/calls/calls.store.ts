import type { Call, CallConnection, CallOutcome, CallParticipant } from '@shared/api/calls';
import type { PublicUser } from '@shared/api/users';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { attempt, ok, type Result } from '../../api/result';
import type { VoiceGrant } from '../voice/voice.store';

/**
 * DM calls as this session sees them, fed by READY and the CALL_* gateway events (src-shared/api/calls.ts). It
 * answers three questions for the UI: what is ringing for me (my participant's status is `ringing`; `waiting` means
 * the call-waiting prompt), which call this session is in, and how many missed calls I have not seen.
 *
 * The store owns the call's membership (start, accept, decline, hang up); the room itself is the voice engine's
 * (features/voice/voice-controller.ts, through `voice.joinCall`), so a call and a voice channel are never connected at
 * once. Ringing stops by itself when my status leaves `ringing` (answered on another device, declined, missed, the
 * caller cancelled): the derived `ringingCalls` follows the server's state, nothing here times out on its own.
 *
 * @example
 * const calls = createCallsStore({ api, voice, rejoin });
 * calls.getState().applyReady(ready);           // rings, or rejoins the call this tab was in before a reload
 * await calls.getState().start(dmChannelId);    // "Calling…" until someone answers
 */

/** What the caller is told when an outgoing call ends without an answer. */
export type OutgoingResult = 'no-answer' | 'declined' | 'busy' | 'failed';

export interface CallsState {
  selfId: string | null;
  /** READY's session id: accept and start send it, so my other sessions stop ringing. */
  sessionId: string | null;
  /** Calls going on in my channels, by id (ended calls leave on CALL_DELETE). */
  calls: Record<string, Call>;
  /** The call this session is in (or connecting to); null when in none. */
  activeCallId: string | null;
  /** How my last outgoing call ended unanswered ("No answer", "Declined", "Busy"), until dismissed or replaced. */
  outgoingResult: { channelId: string; result: OutgoingResult } | null;
  /** Missed calls I have not seen yet (the history badge). */
  unseenMissed: number;
  /** Calls this session declined, so their ring stops before the server's CALL_UPDATE arrives. */
  declined: Record<string, true>;
  /** The people calls name (from DMs and relationships), for names and avatars. */
  people: Record<string, PublicUser>;
}

export interface CallsActions {
  applyReady(ready: {
    user: { id: string };
    sessionId: string;
    calls?: readonly Call[];
    unseenMissedCalls?: number;
    people?: readonly PublicUser[];
  }): void;
  /** CALL_CREATE and CALL_UPDATE. */
  receiveCall(call: Call): void;
  /** CALL_DELETE. */
  receiveDelete(e: { id: string; channelId: string; outcome: CallOutcome }): void;
  /** MISSED_CALLS_UPDATE. */
  setUnseenMissed(unseen: number): void;
  notePeople(users: readonly PublicUser[]): void;
  /** Ring the other people of a DM and connect to the call's room. */
  start(channelId: string): Promise<Result<Call>>;
  accept(callId: string): Promise<Result<Call>>;
  decline(callId: string): Promise<void>;
  hangUp(): void;
  /** Connect again to the call this session is in (after the connection failed). */
  rejoin(): void;
  dismissResult(): void;
  /** The voice engine left the call for something else (a voice channel): it is no longer this session's call. */
  noteEngineLeft(): void;
  reset(): void;
}

export type CallsStore = StoreApi<CallsState & CallsActions>;

export interface CallsDeps {
  api: () => {
    calls: {
      start(channelId: string, sessionId?: string): Promise<CallConnection>;
      inChannel(channelId: string): Promise<Call>;
      accept(callId: string, sessionId?: string): Promise<CallConnection>;
      decline(callId: string): Promise<unknown>;
      leave(callId: string): Promise<unknown>;
    };
  };
  /** The voice engine's side (features/voice/voice.store.ts). */
  voice: {
    joinCall(call: { callId: string; channelId: string; grant?: VoiceGrant }): void;
    leave(): void;
    /** The call the engine is asked to be in (its target), if any. */
    targetCallId(): string | null;
    /** The call the engine's room is connected (or connecting) to, if any: the engine hangs that one up itself. */
    connectedCallId(): string | null;
  };
  /** Which call this tab was in, kept across a reload (sessionStorage in the app): READY rejoins only that one. */
  rejoin: { get(): string | null; set(callId: string | null): void };
}

const initial: CallsState = {
  selfId: null,
  sessionId: null,
  calls: {},
  activeCallId: null,
  outgoingResult: null,
  unseenMissed: 0,
  declined: {},
  people: {},
};

export function myParticipant(call: Call, selfId: string | null): CallParticipant | undefined {
  return call.participants.find((p) => p.userId === selfId);
}

/** Statuses that mean "in the call" (answered here or on another of my devices). */
const IN_CALL = new Set<CallParticipant['status']>(['connecting', 'joined']);

/**
 * The calls ringing for me now, oldest first, each with whether it is a call-waiting prompt (the server marks it, or
 * this session is already in a call or a voice channel).
 */
export function ringingCalls(
  s: Pick<CallsState, 'calls' | 'selfId' | 'declined' | 'activeCallId'>,
  inVoice = false,
): Array<{ call: Call; waiting: boolean }> {
  const out: Array<{ call: Call; waiting: boolean }> = [];
  for (const call of Object.values(s.calls)) {
    if (call.phase === 'ended' || s.declined[call.id] || call.id === s.activeCallId) continue;
    const me = myParticipant(call, s.selfId);
    if (me?.status !== 'ringing') continue;
    out.push({ call, waiting: me.waiting || s.activeCallId !== null || inVoice });
  }
  return out.sort((a, b) => a.call.startedAt.localeCompare(b.call.startedAt));
}

/** The call this session is in, if the store still knows it. */
export function activeCall(s: Pick<CallsState, 'calls' | 'activeCallId'>): Call | null {
  return s.activeCallId ? (s.calls[s.activeCallId] ?? null) : null;
}

/** The call going on in a channel (for its header's button and bar), or null. */
export function callInChannel(s: Pick<CallsState, 'calls'>, channelId: string): Call | null {
  return Object.values(s.calls).find((c) => c.channelId === channelId && c.phase !== 'ended') ?? null;
}

/** Why an unanswered outgoing call ended, from the outcome and the recipients' statuses. */
export function outgoingResultOf(call: Call, outcome: CallOutcome): OutgoingResult | null {
  if (call.answeredAt) return null;
  const others = call.participants.filter((p) => p.role === 'recipient');
  if (outcome === 'declined' || (others.length > 0 && others.every((p) => p.status === 'declined'))) return 'declined';
  if (others.length > 0 && others.every((p) => p.status === 'busy')) return 'busy';
  if (outcome === 'missed') return 'no-answer';
  if (outcome === 'failed') return 'failed';
  return null;
}

const grantOf = (c: CallConnection): VoiceGrant => ({ url: c.url, token: c.token });

export function createCallsStore(deps: CallsDeps): CallsStore {
  return createStore<CallsState & CallsActions>()((set, get) => {
    /** This session stops being in its call (hung up, the call ended, or I was dropped from it). */
    function leaveActive(opts: { tellServer: boolean }): void {
      const callId = get().activeCallId;
      if (!callId) return;
      set({ activeCallId: null });
      deps.rejoin.set(null);
      // The engine hangs up a call its room is in (ordered with its next join); one it never reached, we do.
      if (opts.tellServer && deps.voice.connectedCallId() !== callId)
        void deps
          .api()
          .calls.leave(callId)
          .catch(() => undefined);
      if (deps.voice.targetCallId() === callId) deps.voice.leave();
    }

    /** The call this session is in ended: say why to its caller if nobody answered, and leave the room. */
    function endedUnder(call: Call | null, outcome: CallOutcome, channelId = call?.channelId): void {
      const result = call && call.callerId === get().selfId ? outgoingResultOf(call, outcome) : null;
      if (result && channelId) set({ outgoingResult: { channelId, result } });
      leaveActive({ tellServer: false });
    }

    function enter(conn: CallConnection, channelId: string): void {
      set({ calls: { ...get().calls, [conn.call.id]: conn.call }, activeCallId: conn.call.id, outgoingResult: null });
      deps.rejoin.set(conn.call.id);
      deps.voice.joinCall({ callId: conn.call.id, channelId, grant: grantOf(conn) });
    }

    return {
      ...initial,

      applyReady(ready) {
        const calls: Record<string, Call> = {};
        for (const c of ready.calls ?? []) calls[c.id] = c;
        set({ selfId: ready.user.id, sessionId: ready.sessionId, calls, unseenMissed: ready.unseenMissedCalls ?? 0, declined: {} });
        if (ready.people) get().notePeople(ready.people);
        const active = get().activeCallId;
        if (active) {
          // A gateway reconnect: the room stayed up; a call that ended meanwhile is left.
          const call = calls[active];
          if (!call || !IN_CALL.has(myParticipant(call, ready.user.id)?.status ?? 'left')) leaveActive({ tellServer: false });
          return;
        }
        // A reload: rejoin the call this tab was in, if I am still in it (a fresh token via connectCall).
        const remembered = deps.rejoin.get();
        const call = remembered ? calls[remembered] : undefined;
        if (call && call.phase !== 'ended' && IN_CALL.has(myParticipant(call, ready.user.id)?.status ?? 'left')) {
          set({ activeCallId: call.id });
          deps.voice.joinCall({ callId: call.id, channelId: call.channelId });
        } else if (remembered) deps.rejoin.set(null);
      },

      receiveCall(call) {
        set({ calls: { ...get().calls, [call.id]: call } });
        if (call.id !== get().activeCallId) return;
        const status = myParticipant(call, get().selfId)?.status;
        if (call.phase === 'ended') endedUnder(call, call.outcome ?? 'failed');
        else if (status && !IN_CALL.has(status) && status !== 'ringing') leaveActive({ tellServer: false });
      },

      receiveDelete(e) {
        const { [e.id]: ended, ...calls } = get().calls;
        const { [e.id]: _declined, ...declined } = get().declined;
        set({ calls, declined });
        if (e.id === get().activeCallId) endedUnder(ended ?? null, e.outcome, e.channelId);
      },

      setUnseenMissed(unseen) {
        if (get().unseenMissed !== unseen) set({ unseenMissed: unseen });
      },

      notePeople(users) {
        if (users.length === 0) return;
        set({ people: { ...get().people, ...Object.fromEntries(users.map((u) => [u.id, u])) } });
      },

      async start(channelId) {
        const existing = callInChannel(get(), channelId);
        if (existing && existing.id === get().activeCallId) return ok(existing);
        set({ outgoingResult: null });
        // One call at a time: calling from another DM hangs up the call I am in first (the server refuses otherwise).
        const previous = get().activeCallId;
        if (previous) {
          set({ activeCallId: null });
          deps.rejoin.set(null);
          await deps
            .api()
            .calls.leave(previous)
            .catch(() => undefined);
        }
        const res = await attempt(() => deps.api().calls.start(channelId, get().sessionId ?? undefined));
        if (!res.ok && previous && deps.voice.targetCallId() === previous) deps.voice.leave();
        if (!res.ok) {
          if (res.code === 'USER_BUSY') set({ outgoingResult: { channelId, result: 'busy' } });
          // A call already goes on there (we both pressed call at once, or I missed its CALL_CREATE): join it.
          if (res.code === 'CONFLICT') {
            const going = await attempt(() => deps.api().calls.inChannel(channelId));
            if (going.ok) {
              get().receiveCall(going.value);
              if (myParticipant(going.value, get().selfId)?.status === 'ringing') return get().accept(going.value.id);
            }
          }
          return res;
        }
        enter(res.value, channelId);
        return ok(res.value.call);
      },

      async accept(callId) {
        const call = get().calls[callId];
        const res = await attempt(() => deps.api().calls.accept(callId, get().sessionId ?? undefined));
        if (!res.ok) {
          // No longer ringing for me (answered elsewhere, cancelled): stop ringing here.
          set({ declined: { ...get().declined, [callId]: true } });
          return res;
        }
        enter(res.value, call?.channelId ?? res.value.call.channelId);
        return ok(res.value.call);
      },

      async decline(callId) {
        set({ declined: { ...get().declined, [callId]: true } });
        await deps
          .api()
          .calls.decline(callId)
          .catch(() => undefined);
      },

      hangUp() {
        leaveActive({ tellServer: true });
      },

      rejoin() {
        const call = activeCall(get());
        if (call) deps.voice.joinCall({ callId: call.id, channelId: call.channelId });
      },

      dismissResult() {
        if (get().outgoingResult) set({ outgoingResult: null });
      },

      noteEngineLeft() {
        if (!get().activeCallId) return;
        set({ activeCallId: null });
        deps.rejoin.set(null);
      },

      reset() {
        set({ ...initial });
        deps.rejoin.set(null);
      },
    };
  });
}
