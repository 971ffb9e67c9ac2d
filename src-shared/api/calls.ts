import { z } from 'zod';
import { ChannelIdParams, Id, IsoDate, page, PageQuery } from './common';
import { defineRoute } from './contract';
import { PublicUser } from './users';

/**
 * Calls in DM channels (issue 16, items 3 and 4), phone-like: the caller starts one in a DM or group DM, each
 * recipient's sessions ring, a recipient accepts (on one device: their other devices stop ringing) or declines;
 * unanswered after 30 s it is missed. Every call is a private LiveKit room of its own, and its state machine lives on
 * the server (server/src/modules/calls/call-machine.ts), driven by LiveKit's webhooks for who is really connected.
 *
 * The gateway carries the state: CALL_CREATE when a call starts (to everyone in the channel), CALL_UPDATE on every
 * change, CALL_DELETE when it ends. A client rings while its own participant's status is `ringing`, and shows the
 * call-waiting prompt instead when `waiting` is set. READY lists the calls I am part of, so a reloaded client rejoins.
 */
export const CallParticipantStatus = z.enum(['ringing', 'connecting', 'joined', 'declined', 'missed', 'busy', 'left']);
export type CallParticipantStatus = z.infer<typeof CallParticipantStatus>;
export const CallPhase = z.enum(['ringing', 'ongoing', 'ended']);
export type CallPhase = z.infer<typeof CallPhase>;
export const CallOutcome = z.enum(['answered', 'missed', 'declined', 'cancelled', 'failed']);
export type CallOutcome = z.infer<typeof CallOutcome>;

/** LiveKit room name of a call. One place so that the server, the tests and the clients agree. */
export const CALL_ROOM_PREFIX = 'call_';
export function callRoomName(callId: string): string {
  return `${CALL_ROOM_PREFIX}${callId}`;
}
/** The call id of a Parley call room, or null for any other room name. */
export function callIdFromRoom(room: string): string | null {
  if (!room.startsWith(CALL_ROOM_PREFIX)) return null;
  const id = room.slice(CALL_ROOM_PREFIX.length);
  return Id.safeParse(id).success ? id : null;
}

export const CallParticipant = z.object({
  userId: Id,
  role: z.enum(['caller', 'recipient']),
  status: CallParticipantStatus,
  /** Rings as a call-waiting prompt: they are in another call or a voice channel. */
  waiting: z.boolean(),
  /** While ringing: when it turns into a missed call. */
  ringUntil: IsoDate.nullable(),
  /** Why a recipient got `busy` instead of a ring. */
  busyReason: z.enum(['in-call', 'in-voice']).nullable(),
});
export type CallParticipant = z.infer<typeof CallParticipant>;

export const Call = z.object({
  id: Id,
  channelId: Id,
  callerId: Id,
  phase: CallPhase,
  startedAt: IsoDate,
  /** The first accept. */
  answeredAt: IsoDate.nullable(),
  endedAt: IsoDate.nullable(),
  /** Set once ended. */
  outcome: CallOutcome.nullable(),
  participants: z.array(CallParticipant),
});
export type Call = z.infer<typeof Call>;

/**
 * What a client needs to connect to a call's room: LiveKit's public URL and a token good for that room only, with the
 * microphone as its one source. Connect right away: the token expires within about a minute.
 */
export const CallConnection = z.object({
  call: Call,
  url: z.string(),
  token: z.string(),
  room: z.string(),
  expiresAt: IsoDate,
});
export type CallConnection = z.infer<typeof CallConnection>;

/** Which of my gateway sessions acts (READY's `sessionId`), so my other sessions stop ringing. */
export const CallSessionBody = z.strictObject({ sessionId: z.string().min(1).max(64).optional() });
export type CallSessionBody = z.infer<typeof CallSessionBody>;

export const CallIdParams = z.strictObject({ callId: Id });

/** One call as one user lived it (paged by call id, newest first). */
export const CallHistoryEntry = z.object({
  callId: Id,
  channelId: Id,
  caller: PublicUser,
  /** Everyone the call rang or included, me and the caller included. */
  participants: z.array(PublicUser),
  direction: z.enum(['outgoing', 'incoming']),
  /** From my side: a call I did not answer is `missed` for me even when another recipient answered. */
  outcome: CallOutcome,
  startedAt: IsoDate,
  answeredAt: IsoDate.nullable(),
  endedAt: IsoDate,
  durationMs: z.number().int().min(0),
  /** A missed call I have not seen yet (badged until I open the history or acknowledge it). */
  unseen: z.boolean(),
});
export type CallHistoryEntry = z.infer<typeof CallHistoryEntry>;

export const CallDeleteEvent = z.object({ id: Id, channelId: Id, outcome: CallOutcome });
/** My count of unseen missed calls changed (a call was missed, or I saw them in one of my sessions). */
export const MissedCallsUpdateEvent = z.object({ unseen: z.number().int().min(0) });

export const callRoutes = {
  startCall: defineRoute({
    tag: 'calls',
    method: 'post',
    path: '/channels/:channelId/call',
    summary: "Call the other people of a DM or group DM: their sessions ring; I get my connection to the call's room",
    auth: true,
    rateLimit: 'call',
    params: ChannelIdParams,
    body: CallSessionBody,
    response: CallConnection,
    errors: {
      '400': 'WRONG_CHANNEL_TYPE: not a DM or group DM',
      '403': 'FORBIDDEN: a recipient does not accept calls from me (privacy or a block)',
      '404': 'NOT_FOUND: no such channel of mine',
      '409': 'CONFLICT: a call is already going on in this channel (join it), or I am in another call; USER_BUSY: every recipient is busy',
    },
  }),
  getChannelCall: defineRoute({
    tag: 'calls',
    method: 'get',
    path: '/channels/:channelId/call',
    summary: 'The call going on in a DM channel of mine',
    auth: true,
    params: ChannelIdParams,
    response: Call,
    errors: { '404': 'NOT_FOUND: no such channel of mine, or no call in it' },
  }),
  acceptCall: defineRoute({
    tag: 'calls',
    method: 'post',
    path: '/calls/:callId/accept',
    summary: 'Answer a call ringing for me (from this session; my other sessions stop ringing) and get my connection to its room',
    auth: true,
    params: CallIdParams,
    body: CallSessionBody,
    response: CallConnection,
    errors: {
      '404': 'NOT_FOUND: no such call of mine',
      '409': 'CONFLICT: it is not ringing for me (answered elsewhere, declined, missed, or the call ended)',
    },
  }),
  declineCall: defineRoute({
    tag: 'calls',
    method: 'post',
    path: '/calls/:callId/decline',
    summary: 'Decline a call ringing for me (every session of mine stops ringing)',
    auth: true,
    params: CallIdParams,
    status: 204,
    errors: { '404': 'NOT_FOUND: no such call of mine', '409': 'CONFLICT: it is not ringing for me' },
  }),
  connectCall: defineRoute({
    tag: 'calls',
    method: 'post',
    path: '/calls/:callId/connection',
    summary: 'A new connection to a call I am in (after a reload or a network change, within the reconnect grace)',
    auth: true,
    params: CallIdParams,
    body: CallSessionBody,
    response: CallConnection,
    errors: { '404': 'NOT_FOUND: no such call of mine', '409': 'CONFLICT: I am not in it (never answered, left, or it ended)' },
  }),
  leaveCall: defineRoute({
    tag: 'calls',
    method: 'post',
    path: '/calls/:callId/leave',
    summary: 'Hang up (the caller before anyone answered: cancel); the call ends when fewer than two are left in it',
    auth: true,
    params: CallIdParams,
    status: 204,
    errors: { '404': 'NOT_FOUND: no such call of mine', '409': 'CONFLICT: I am not in it' },
  }),
  listCallHistory: defineRoute({
    tag: 'calls',
    method: 'get',
    path: '/users/@me/call-history',
    summary: 'My calls, newest first, with participants, times, duration and outcome',
    auth: true,
    query: PageQuery,
    response: page(CallHistoryEntry),
  }),
  ackMissedCalls: defineRoute({
    tag: 'calls',
    method: 'post',
    path: '/users/@me/call-history/ack',
    summary: 'I have seen my missed calls: the badge clears in all my sessions',
    auth: true,
    status: 204,
  }),
} as const;
