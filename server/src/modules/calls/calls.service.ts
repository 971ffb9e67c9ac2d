import type { Logger } from 'pino';
import { callRoomName } from '@shared/api/calls';
import type { Call as CallView, CallConnection, CallHistoryEntry as CallHistoryView, CallSessionBody } from '@shared/api/calls';
import type { CallDeleteEvent as CallDeleteSchema, MissedCallsUpdateEvent as MissedCallsSchema } from '@shared/api/calls';
import type { z } from 'zod';
import type { PageQuery } from '@shared/api/common';
import type { PublicUser } from '@shared/api/users';
import type { Clock } from '../../clock';
import { newId } from '../../db/ids';
import { AppError } from '../../errors';
import type { VoiceTokenIssuer } from '../../livekit/tokens';
import { voiceMediaRights } from '../../livekit/tokens';
import { hasPermission, Permission } from '@shared/permissions/permissions';
import { PRIVATE_CHANNEL_PERMISSIONS } from '../private-channels/private-channel-rules';
import type { BusyPreference, Call, CallEffect, CallEvent, CallRefusal, CalleeActivity, EndedCall } from './call-machine';
import { applyCallEvent, callHistory, isEnded, nextDeadline, startCall } from './call-machine';
import type { CallHistoryRow, CallsRepo } from './calls.repo';

/** A call's members may publish what recipients of its private channel may: microphone, camera and screen share. */
const CALL_RIGHTS = voiceMediaRights({
  speak: hasPermission(PRIVATE_CHANNEL_PERMISSIONS, Permission.SPEAK),
  video: hasPermission(PRIVATE_CHANNEL_PERMISSIONS, Permission.VIDEO),
  stream: hasPermission(PRIVATE_CHANNEL_PERMISSIONS, Permission.STREAM),
  serverMute: false,
  serverDeaf: false,
  serverVideoOff: false,
  serverStreamOff: false,
});

type CallDeleteEvent = z.infer<typeof CallDeleteSchema>;
type MissedCallsUpdateEvent = z.infer<typeof MissedCallsSchema>;

/**
 * The call service (issue 16 items 3 and 4): loads a call, feeds the state machine (call-machine.ts) one event, stores
 * the result by claiming its version (calls.repo.ts) and carries out the effects: gateway events, LiveKit tokens and
 * removals, history. Events come from the routes, LiveKit's webhooks, the gateway's sessions, the call's own timer and
 * the sweep (which also makes LiveKit's participant lists the truth again after lost webhooks or a crash).
 */

/** What calls need of DM channels and people, as narrow ports (wired in calls.module.ts, faked in unit tests). */
export interface CallAccess {
  /**
   * The DM or group DM `channelId` as `userId` sees it: everyone in it, `userId` included. Throws NOT_FOUND when it is
   * no channel of theirs, WRONG_CHANNEL_TYPE for a guild channel.
   */
  channelMembers(userId: string, channelId: string): Promise<{ channelId: string; recipientIds: string[] }>;
  /** Whether `to` accepts calls from `from` (privacy settings and blocks, either way). */
  canCall(from: string, to: string): Promise<boolean>;
  /** Whether the user is connected to a guild voice channel (then a call finds them busy). */
  inVoice(userId: string): Promise<boolean>;
  /** What a call to the user does while they are busy: answer busy, or ring with call-waiting (their setting). */
  busyPreference(userId: string): Promise<BusyPreference>;
  /**
   * Puts a 1:1 DM back in the list of a recipient who closed it (or never had it: nobody wrote yet), as a message
   * does, so the call rings where its DM is shown.
   */
  surfaceChannel(channelId: string): Promise<void>;
  users(ids: readonly string[]): Promise<PublicUser[]>;
  displayName(userId: string): Promise<string | null>;
}

export interface CallGateway {
  toUser(userId: string, event: string, payload: unknown): void;
  /** The user's open gateway sessions (READY's sessionId), on every instance. */
  sessionsOf(userId: string): Promise<string[]>;
}

export interface CallRooms {
  listParticipants(room: string): Promise<{ sid: string; identity: string }[]>;
  /** False when they were not there. */
  removeParticipant(room: string, identity: string): Promise<boolean>;
  deleteRoom(room: string): Promise<void>;
}

/** Runs `fn` at `at` (once); a new schedule for the same key replaces the old one. */
export interface CallScheduler {
  schedule(key: string, at: Date, fn: () => Promise<void>): void;
  cancel(key: string): void;
  cancelAll(): void;
}

export interface CallServiceDeps {
  repo: CallsRepo;
  access: CallAccess;
  gateway: CallGateway;
  rooms: CallRooms;
  tokens: VoiceTokenIssuer;
  /** What clients connect to (LIVEKIT_PUBLIC_URL). */
  publicUrl: string;
  clock: Clock;
  scheduler: CallScheduler;
  log: Logger;
}

/** A webhook fact about a call room. */
export type CallRoomFact =
  { kind: 'joined' | 'left'; callId: string; identity: string; sid: string } | { kind: 'finished'; callId: string };

export interface CallService {
  start(userId: string, channelId: string, body: CallSessionBody): Promise<CallConnection>;
  channelCall(userId: string, channelId: string): Promise<CallView>;
  accept(userId: string, callId: string, body: CallSessionBody): Promise<CallConnection>;
  decline(userId: string, callId: string): Promise<void>;
  connect(userId: string, callId: string): Promise<CallConnection>;
  leave(userId: string, callId: string): Promise<void>;
  history(userId: string, query: PageQuery): Promise<{ items: CallHistoryView[]; nextCursor: string | null }>;
  ackMissed(userId: string): Promise<void>;
  /** For READY: the calls I am part of and my unseen missed calls. */
  readyFor(userId: string): Promise<{ calls: CallView[]; unseenMissedCalls: number }>;
  sessionOpened(userId: string, sessionId: string): Promise<void>;
  sessionGone(userId: string, sessionId: string): Promise<void>;
  applyRoomFact(fact: CallRoomFact): Promise<void>;
  /**
   * The user left the channel (a group DM they left or were removed from): its call, if any, goes on without them —
   * declined while it rang for them, hung up (and out of the room) otherwise.
   */
  leftChannel(channelId: string, userId: string): Promise<void>;
  /** Ticks every active call, checks it against LiveKit's room, finishes ends a crash interrupted. */
  sweepOnce(): Promise<{ calls: number }>;
  stop(): void;
}

/** Steps racing on one call retry this often before giving up (each retry means another step went through). */
const MAX_STEP_ATTEMPTS = 20;
/** A head with no stored version (a crash between the two writes of a start) is dropped after this long. */
const ORPHAN_HEAD_MS = 60_000;

export const toCallView = (call: Call): CallView => ({
  id: call.id,
  channelId: call.channelId,
  callerId: call.callerId,
  phase: call.phase,
  startedAt: call.startedAt.toISOString(),
  answeredAt: call.answeredAt?.toISOString() ?? null,
  endedAt: call.endedAt?.toISOString() ?? null,
  outcome: call.outcome,
  participants: call.participants.map((p) => ({
    userId: p.userId,
    role: p.role,
    status: p.status,
    waiting: p.waiting,
    ringUntil: p.ringUntil?.toISOString() ?? null,
    busyReason: p.busyReason,
  })),
});

const isLive = (status: string) => status === 'ringing' || status === 'connecting' || status === 'joined';

type StepResult = { ok: true; call: Call; effects: CallEffect[] } | { ok: false; refusal: CallRefusal };

export function createCallService(deps: CallServiceDeps): CallService {
  const { repo, access, gateway, rooms, tokens, clock, scheduler, log } = deps;
  const now = () => clock.now();

  function refusalError(refusal: CallRefusal): AppError {
    switch (refusal.code) {
      case 'not-a-participant':
        return AppError.notFound('Call');
      case 'busy':
        return new AppError('USER_BUSY', refusal.message, { busy: refusal.busy });
      case 'invalid-participants':
        return AppError.validation(refusal.message);
      default:
        return new AppError('CONFLICT', refusal.message, { reason: refusal.code });
    }
  }

  /** The call if `userId` is one of its participants; NOT_FOUND otherwise (its existence does not leak). */
  async function visibleCall(userId: string, callId: string): Promise<Call> {
    const call = await repo.latest(callId);
    if (!call || !call.participants.some((p) => p.userId === userId)) throw AppError.notFound('Call');
    return call;
  }

  /**
   * One step: apply `event` to the newest version and store the result as the next version. Losing the version to a
   * concurrent step reloads and applies the event again on what that step left.
   */
  async function step(callId: string, event: () => CallEvent): Promise<StepResult> {
    for (let attempt = 0; attempt < MAX_STEP_ATTEMPTS; attempt++) {
      const current = await repo.latest(callId);
      if (!current) throw AppError.notFound('Call');
      const result = applyCallEvent(current, event());
      if (!result.ok) return result;
      if (result.call.version === current.version) return { ok: true, call: current, effects: [] };
      if (!(await repo.insertVersion(result.call))) {
        log.debug({ callId, version: result.call.version, attempt }, 'call step lost its version; applying again');
        continue;
      }
      await carryOut(current, result.call, result.effects);
      return result;
    }
    throw new AppError('CONFLICT', 'The call is changing too fast; try again');
  }

  async function stepOrThrow(callId: string, event: () => CallEvent): Promise<Call> {
    const result = await step(callId, event);
    if (!result.ok) throw refusalError(result.refusal);
    return result.call;
  }

  function publish(userIds: Iterable<string>, event: string, payload: unknown): void {
    for (const userId of new Set(userIds)) gateway.toUser(userId, event, payload);
  }

  /** Carries out the effects of a stored step, then arms the call's timer. Failures are logged: the step is stored. */
  async function carryOut(before: Call | null, call: Call, effects: CallEffect[]): Promise<void> {
    const notify = new Set<string>();
    let ended: EndedCall | null = null;
    for (const effect of effects) {
      switch (effect.type) {
        case 'ring':
        case 'stopRinging':
          notify.add(effect.userId);
          break;
        case 'announce':
          for (const id of effect.to) notify.add(id);
          break;
        case 'disconnect':
          await rooms
            .removeParticipant(callRoomName(call.id), effect.userId)
            .catch((err: unknown) =>
              log.warn({ err, callId: call.id, userId: effect.userId }, 'call participant not removed from the room'),
            );
          break;
        case 'admit':
          // The token is the answer of the route that admitted them (start, accept); nothing to send.
          break;
        case 'end':
          if (isEnded(call)) ended = call;
          break;
      }
    }
    if (notify.size > 0) publish(notify, before ? 'CALL_UPDATE' : 'CALL_CREATE', toCallView(call));
    // Whoever is done with the call may start or take another one.
    for (const p of call.participants) {
      const was = before?.participants.find((x) => x.userId === p.userId);
      if (!isLive(p.status) && (!was || isLive(was.status))) {
        await repo.releaseUser(p.userId, call.id).catch((err: unknown) => log.warn({ err, callId: call.id }, 'user claim not released'));
      }
    }
    if (ended) {
      await finish(ended);
      return;
    }
    arm(call);
  }

  function arm(call: Call): void {
    const due = nextDeadline(call);
    if (!due) {
      scheduler.cancel(call.id);
      return;
    }
    scheduler.schedule(call.id, due, async () => {
      await step(call.id, () => ({ type: 'tick', now: now() })).catch((err: unknown) =>
        log.warn({ err, callId: call.id }, 'call timer step failed; the sweep retries'),
      );
    });
  }

  /**
   * Everything after an end, idempotent (the sweep runs it again for an ended call whose head is still active, after a
   * crash): history, the end and history events, the missed badge, the room, the claims, and last the head.
   */
  async function finish(call: EndedCall): Promise<void> {
    scheduler.cancel(call.id);
    const userIds = call.participants.map((p) => p.userId);
    const rows = await repo.addHistory(callHistory(call).map((entry) => ({ ...entry, participantIds: userIds })));
    const del: CallDeleteEvent = { id: call.id, channelId: call.channelId, outcome: call.outcome };
    publish(userIds, 'CALL_DELETE', del);
    const users = await access.users(userIds).catch(() => [] as PublicUser[]);
    for (const row of rows) {
      const seenUpTo = await repo.seenUpTo(row.userId);
      gateway.toUser(row.userId, 'CALL_HISTORY_ADD', historyView(row, users, seenUpTo));
      if (row.direction === 'incoming' && row.outcome === 'missed') {
        const update: MissedCallsUpdateEvent = { unseen: await repo.countUnseenMissed(row.userId, seenUpTo) };
        gateway.toUser(row.userId, 'MISSED_CALLS_UPDATE', update);
      }
    }
    await rooms.deleteRoom(callRoomName(call.id)).catch((err: unknown) => log.warn({ err, callId: call.id }, 'call room not closed'));
    await repo.releaseChannel(call.channelId, call.id);
    for (const id of userIds) await repo.releaseUser(id, call.id);
    await repo.pruneVersions(call.id, call.version);
    await repo.markInactive(call.id);
    log.info({ callId: call.id, outcome: call.outcome }, 'call ended');
  }

  function historyView(row: CallHistoryRow, users: PublicUser[], seenUpTo: string): CallHistoryView {
    const byId = new Map(users.map((u) => [u.id, u]));
    const user = (id: string): PublicUser => byId.get(id) ?? { id, username: 'deleted-user', displayName: 'Deleted user', avatar: null };
    return {
      callId: row.callId,
      channelId: row.channelId,
      caller: user(row.callerId),
      participants: row.participantIds.map(user),
      direction: row.direction,
      outcome: row.outcome,
      startedAt: row.startedAt.toISOString(),
      answeredAt: row.answeredAt?.toISOString() ?? null,
      endedAt: row.endedAt.toISOString(),
      durationMs: row.durationMs,
      unseen: row.direction === 'incoming' && row.outcome === 'missed' && row.seq > seenUpTo,
    };
  }

  async function connection(call: Call, userId: string): Promise<CallConnection> {
    const room = callRoomName(call.id);
    const issuedAt = now();
    const token = await tokens.issue({
      userId,
      displayName: (await access.displayName(userId)) ?? userId,
      room,
      rights: CALL_RIGHTS,
    });
    return {
      call: toCallView(call),
      url: deps.publicUrl,
      token,
      room,
      expiresAt: new Date(issuedAt.getTime() + tokens.ttlSeconds * 1000).toISOString(),
    };
  }

  /** The call still holding a claim, or null when the claim is stale (its call ended or never got stored). */
  async function liveHolder(callId: string): Promise<Call | null> {
    if (!callId) return null;
    const call = await repo.latest(callId);
    return call && !isEnded(call) ? call : null;
  }

  /**
   * Whether a claim that refused us still stands. A claim whose call has no version yet is a start in progress (the
   * claims come first): it stands, unless it is old enough to be a crash between the two writes.
   */
  async function standingClaim(heldBy: string, at: Date | null): Promise<{ stands: boolean; call: Call | null }> {
    if (!heldBy) return { stands: false, call: null };
    const call = await repo.latest(heldBy);
    if (call) return { stands: !isEnded(call), call };
    return { stands: at === null || now().getTime() - at.getTime() < ORPHAN_HEAD_MS, call: null };
  }

  /** Claims the channel for a new call; a stale claim is cleared. Returns the id of the call in the way, if any. */
  async function claimChannel(channelId: string, callId: string): Promise<string | null> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = await repo.claimChannel(channelId, callId, now());
      if (result.claimed) return null;
      if ((await standingClaim(result.heldBy, result.at)).stands) return result.heldBy;
      if (result.heldBy) await repo.releaseChannel(channelId, result.heldBy);
    }
    throw new AppError('CONFLICT', 'A call is starting in this channel; try again');
  }

  /** Claims "in a call" for the user; a stale claim is cleared. Returns the id of the other call they are in, if any. */
  async function claimUser(userId: string, callId: string): Promise<string | null> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = await repo.claimUser(userId, callId, now());
      if (result.claimed || result.heldBy === callId) return null;
      const { stands, call } = await standingClaim(result.heldBy, result.at);
      const mine = call?.participants.find((p) => p.userId === userId);
      // Still starting (no version yet), or still in it.
      if (stands && (!call || (mine && isLive(mine.status)))) return result.heldBy;
      if (result.heldBy) await repo.releaseUser(userId, result.heldBy);
    }
    throw new AppError('CONFLICT', 'Another call of yours is changing; try again');
  }

  async function activityOf(userId: string): Promise<CalleeActivity> {
    const claimed = await repo.userClaim(userId);
    const other = claimed ? await liveHolder(claimed) : null;
    const mine = other?.participants.find((p) => p.userId === userId);
    if (other && mine && (mine.status === 'connecting' || mine.status === 'joined')) return { kind: 'call', callId: other.id };
    if (await access.inVoice(userId)) return { kind: 'voice', channelId: '' };
    return { kind: 'idle' };
  }

  async function participantCalls(userId: string): Promise<Call[]> {
    const calls: Call[] = [];
    for (const h of await repo.listActiveOf(userId)) {
      const call = await repo.latest(h.id);
      if (call && !isEnded(call) && call.participants.some((p) => p.userId === userId)) calls.push(call);
    }
    return calls;
  }

  const service: CallService = {
    async start(userId, channelId) {
      const { recipientIds } = await access.channelMembers(userId, channelId);
      const others = recipientIds.filter((id) => id !== userId);
      if (others.length === 0) throw new AppError('CONFLICT', 'Nobody else is in this channel to call');
      for (const to of others) {
        if (!(await access.canCall(userId, to))) throw AppError.forbidden('Not everyone in this channel accepts calls from you');
      }
      const callId = newId();
      const inChannel = await claimChannel(channelId, callId);
      if (inChannel) throw new AppError('CONFLICT', 'A call is already going on in this channel: join it', { callId: inChannel });
      let stored = false;
      try {
        const elsewhere = await claimUser(userId, callId);
        if (elsewhere) throw new AppError('CONFLICT', 'You are in another call: hang up first', { callId: elsewhere });
        const recipients = await Promise.all(
          others.map(async (id) => ({
            userId: id,
            sessions: await gateway.sessionsOf(id),
            activity: await activityOf(id),
            preference: await access.busyPreference(id),
          })),
        );
        const result = startCall({ callId, channelId, callerId: userId, recipients, now: now() });
        if (!result.ok) throw refusalError(result.refusal);
        await repo.createHead({ id: callId, channelId, userIds: [userId, ...others], startedAt: result.call.startedAt });
        await repo.insertVersion(result.call);
        stored = true;
        log.info({ callId, channelId, callerId: userId }, 'call started');
        await access.surfaceChannel(channelId);
        await carryOut(null, result.call, result.effects);
        return await connection(result.call, userId);
      } finally {
        if (!stored) {
          await repo.releaseUser(userId, callId);
          await repo.releaseChannel(channelId, callId);
        }
      }
    },

    async channelCall(userId, channelId) {
      await access.channelMembers(userId, channelId);
      const callId = await repo.channelClaim(channelId);
      const call = callId ? await liveHolder(callId) : null;
      if (!call || !call.participants.some((p) => p.userId === userId)) throw AppError.notFound('Call');
      return toCallView(call);
    },

    async accept(userId, callId, body) {
      await visibleCall(userId, callId);
      // Answering a call-waiting prompt hangs up the call they are in.
      const other = await claimUser(userId, callId);
      if (other) {
        await step(other, () => ({ type: 'hangUp', userId, now: now() })).catch((err: unknown) => {
          // Not stored yet (they are starting it right now): the claim below refuses.
          if (!(err instanceof AppError && err.code === 'NOT_FOUND')) throw err;
        });
        const again = await claimUser(userId, callId);
        if (again) throw new AppError('CONFLICT', 'You are in another call: hang up first', { callId: again });
      }
      const session = body.sessionId ?? `http:${newId()}`;
      const result = await step(callId, () => ({ type: 'accept', userId, session, now: now() }));
      if (!result.ok) {
        // Not ringing for me: the claim taken above is not mine to keep (unless I am in this call already).
        const call = await repo.latest(callId);
        const mine = call?.participants.find((p) => p.userId === userId);
        if (!mine || !isLive(mine.status) || mine.status === 'ringing') await repo.releaseUser(userId, callId);
        throw refusalError(result.refusal);
      }
      return connection(result.call, userId);
    },

    async decline(userId, callId) {
      await visibleCall(userId, callId);
      await stepOrThrow(callId, () => ({ type: 'decline', userId, now: now() }));
    },

    async connect(userId, callId) {
      const call = await visibleCall(userId, callId);
      const mine = call.participants.find((p) => p.userId === userId)!;
      if (isEnded(call) || (mine.status !== 'connecting' && mine.status !== 'joined')) {
        throw new AppError('CONFLICT', 'You are not in this call', { reason: 'not-in-call' });
      }
      return connection(call, userId);
    },

    async leave(userId, callId) {
      await visibleCall(userId, callId);
      await stepOrThrow(callId, () => ({ type: 'hangUp', userId, now: now() }));
    },

    async leftChannel(channelId, userId) {
      const callId = await repo.channelClaim(channelId);
      const call = callId ? await liveHolder(callId) : null;
      const mine = call?.participants.find((p) => p.userId === userId);
      if (!call || !mine || !isLive(mine.status)) return;
      const type = mine.status === 'ringing' ? 'decline' : 'hangUp';
      // A refusal means they were done with it meanwhile: nothing left to do.
      await step(call.id, () => ({ type, userId, now: now() }));
    },

    async history(userId, query) {
      const rows = await repo.listHistory(userId, query.before, query.limit + 1);
      const pageRows = rows.slice(0, query.limit);
      const [users, seenUpTo] = await Promise.all([
        access.users([...new Set(pageRows.flatMap((r) => r.participantIds))]),
        repo.seenUpTo(userId),
      ]);
      return {
        items: pageRows.map((r) => historyView(r, users, seenUpTo)),
        nextCursor: rows.length > query.limit ? pageRows[pageRows.length - 1]!.callId : null,
      };
    },

    async ackMissed(userId) {
      const newest = await repo.newestSeq(userId);
      if (newest) await repo.markSeen(userId, newest);
      const update: MissedCallsUpdateEvent = { unseen: await repo.countUnseenMissed(userId, await repo.seenUpTo(userId)) };
      gateway.toUser(userId, 'MISSED_CALLS_UPDATE', update);
    },

    async readyFor(userId) {
      const [calls, seenUpTo] = await Promise.all([participantCalls(userId), repo.seenUpTo(userId)]);
      return { calls: calls.map(toCallView), unseenMissedCalls: await repo.countUnseenMissed(userId, seenUpTo) };
    },

    async sessionOpened(userId, sessionId) {
      for (const call of await participantCalls(userId)) {
        if (call.participants.some((p) => p.userId === userId && p.status === 'ringing')) {
          await step(call.id, () => ({ type: 'sessionOpened', userId, session: sessionId, now: now() }));
        }
      }
    },

    async sessionGone(userId, sessionId) {
      for (const call of await participantCalls(userId)) {
        if (call.participants.some((p) => p.userId === userId && p.ringingSessions.includes(sessionId))) {
          await step(call.id, () => ({ type: 'sessionGone', userId, session: sessionId, now: now() }));
        }
      }
    },

    async applyRoomFact(fact) {
      const call = await repo.latest(fact.callId);
      // Rooms of calls we do not have belong to another deployment sharing this LiveKit: not ours to judge.
      if (!call) return;
      if (fact.kind === 'finished') {
        for (const p of call.participants) {
          if (p.status === 'joined' && p.roomSid) {
            const sid = p.roomSid;
            await step(call.id, () => ({ type: 'participantLeft', userId: p.userId, sid, now: now() }));
          }
        }
        return;
      }
      const { identity, sid } = fact;
      if (fact.kind === 'left') {
        if (!call.participants.some((p) => p.userId === identity)) return;
        const r = await step(call.id, () => ({ type: 'participantLeft', userId: identity, sid, now: now() }));
        if (!r.ok && r.refusal.code !== 'call-ended') log.debug({ callId: call.id, refusal: r.refusal.code }, 'call room leave ignored');
        return;
      }
      const r = call.participants.some((p) => p.userId === identity)
        ? await step(call.id, () => ({ type: 'participantJoined', userId: identity, sid, now: now() }))
        : null;
      if (!r || !r.ok) {
        // Not admitted (never answered, hung up, or the call ended): tokens are checked only on connect.
        log.info(
          { callId: call.id, identity, refusal: r && !r.ok ? r.refusal.code : 'not-a-participant' },
          'call room participant removed',
        );
        await rooms.removeParticipant(callRoomName(call.id), identity).catch(() => false);
      }
    },

    async sweepOnce() {
      let count = 0;
      for (const h of await repo.listActive()) {
        count++;
        try {
          const call = await repo.latest(h.id);
          if (!call) {
            if (now().getTime() - h.startedAt.getTime() > ORPHAN_HEAD_MS) {
              await repo.releaseChannel(h.channelId, h.id);
              for (const id of h.userIds) await repo.releaseUser(id, h.id);
              await repo.markInactive(h.id);
            }
            continue;
          }
          if (isEnded(call)) {
            await finish(call);
            continue;
          }
          const ticked = await step(call.id, () => ({ type: 'tick', now: now() }));
          if (!ticked.ok) continue;
          await reconcileRoom(ticked.call);
        } catch (err) {
          log.warn({ err, callId: h.id }, 'call sweep failed for one call; next sweep retries');
        }
      }
      return { calls: count };
    },

    stop() {
      scheduler.cancelAll();
    },
  };

  /** LiveKit's room is the truth of who is connected: joins and leaves whose webhooks were lost are applied here. */
  async function reconcileRoom(call: Call): Promise<void> {
    if (isEnded(call)) return;
    const live = await rooms.listParticipants(callRoomName(call.id));
    const liveSids = new Set(live.map((p) => `${p.identity}:${p.sid}`));
    for (const p of call.participants) {
      if (p.status === 'joined' && p.roomSid && !liveSids.has(`${p.userId}:${p.roomSid}`)) {
        await service.applyRoomFact({ kind: 'left', callId: call.id, identity: p.userId, sid: p.roomSid });
      }
    }
    for (const lp of live) {
      const p = call.participants.find((x) => x.userId === lp.identity);
      if (p?.status === 'joined' && p.roomSid === lp.sid) continue;
      await service.applyRoomFact({ kind: 'joined', callId: call.id, identity: lp.identity, sid: lp.sid });
    }
  }

  return service;
}

/** The production scheduler: one timer per call, unref'd so it never holds the process open. */
export function createTimerScheduler(clock: Clock): CallScheduler {
  const timers = new Map<string, NodeJS.Timeout>();
  return {
    schedule(key, at, fn) {
      const old = timers.get(key);
      if (old) clearTimeout(old);
      // A clock moved by tests is not real time: the sweep catches what a real-time timer would miss.
      const ms = Math.min(Math.max(0, at.getTime() - clock.now().getTime()), 2_147_000_000);
      const timer = setTimeout(() => {
        timers.delete(key);
        void fn();
      }, ms);
      timer.unref();
      timers.set(key, timer);
    },
    cancel(key) {
      const t = timers.get(key);
      if (t) clearTimeout(t);
      timers.delete(key);
    },
    cancelAll() {
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  };
}
