/**
 * DM calls on the real stack (issue 16 items 3 and 4): livekit-server (posting its signed webhooks to this in-process
 * server), FerretDB, Redis; socket.io-client as each user's app (B with two sessions: two devices), rtc-node bots as
 * their microphones and ears. The server's clock is moved forward for the 30-second ring timeout, and the sweep run
 * through the calls module's test hook instead of waiting.
 */
import { decodeJwt } from 'jose';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Call, CallConnection, CallHistoryEntry, callRoomName } from '@shared/api/calls';
import { voiceRoomName } from '@shared/api/voice';
import type { Clock } from '../../server/src/clock';
import { callsOf } from '../../server/src/modules/calls/calls.module';
import { ListeningBot } from './listening-bot';
import { FRAME_SAMPLES } from './paced-audio';
import { connectGateway, nextEvent, registerUser, type TestServer, type TestUser } from './server-helpers';
import { createVoiceGuild, env, roomService, startServerOn, waitFor } from './voice-support';

const RMS_THRESHOLD = 1_000;

let offsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };
let server: TestServer;
let a: TestUser;
let b: TestUser;
let dm: string;
let aGateway: Socket;
/** B's two devices. */
let bPhone: Socket;
let bDesk: Socket;
let bPhoneSession: string;
const bots: ListeningBot[] = [];
const sockets: Socket[] = [];
const livekit = roomService();

function gateway(user: TestUser): Socket {
  const socket = connectGateway(server.url, user.token);
  sockets.push(socket);
  return socket;
}

async function ready(socket: Socket): Promise<{ sessionId: string; calls?: Call[]; unseenMissedCalls?: number }> {
  return nextEvent(socket, 'READY', () => true, 20_000);
}

async function befriend(x: TestUser, y: TestUser): Promise<void> {
  expect((await server.api.post('/users/@me/relationships', { userId: y.id }, x.token)).status).toBeLessThan(300);
  expect((await server.api.post(`/users/@me/relationships/${x.id}/accept`, undefined, y.token)).status).toBeLessThan(300);
}

async function openDm(owner: TestUser, others: TestUser[]): Promise<string> {
  const res = await server.api.post('/users/@me/channels', { recipientIds: others.map((o) => o.id) }, owner.token);
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  return res.body.id as string;
}

async function startCall(channelId: string, caller: TestUser): Promise<CallConnection> {
  const res = await server.api.post(`/channels/${channelId}/call`, {}, caller.token);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return CallConnection.parse(res.body);
}

const statusOf = (call: Call, userId: string) => call.participants.find((p) => p.userId === userId)?.status;
const sweep = async () => {
  await callsOf(server.server.gateway.publisher)!.sweepOnce();
};
async function history(user: TestUser): Promise<CallHistoryEntry[]> {
  const res = await server.api.get('/users/@me/call-history', user.token);
  expect(res.status).toBe(200);
  return (res.body.items as unknown[]).map((e) => CallHistoryEntry.parse(e));
}

beforeAll(async () => {
  server = await startServerOn(env.apiPort, {}, { clock });
  a = await registerUser(server.api, 'caller');
  b = await registerUser(server.api, 'callee');
  await befriend(a, b);
  dm = await openDm(a, [b]);
  aGateway = gateway(a);
  bPhone = gateway(b);
  bDesk = gateway(b);
  const [, phone] = await Promise.all([ready(aGateway), ready(bPhone), ready(bDesk)]);
  bPhoneSession = phone.sessionId;
});

afterAll(async () => {
  for (const bot of bots) await bot.close();
  // No rtc-node dispose(): files share one worker (vitest.config.ts), where rtc-node cannot start again once disposed.
  for (const s of sockets) s.disconnect();
  await server?.stop();
});

function newBot(): ListeningBot {
  const bot = new ListeningBot();
  bots.push(bot);
  return bot;
}

describe('calls', () => {
  it("when A calls B, then both of B's sessions ring; B answers on one and the other stops; both hear each other; A hangs up and history says answered", async () => {
    const phoneRings = nextEvent<Call>(bPhone, 'CALL_CREATE', (c: Call) => c.channelId === dm, 10_000);
    const deskRings = nextEvent<Call>(bDesk, 'CALL_CREATE', (c: Call) => c.channelId === dm, 10_000);
    // A opened the DM without writing: B does not list it yet. The call puts it in B's list first, as a message would.
    expect((await server.api.get('/users/@me/channels', b.token)).body.items.map((c: { id: string }) => c.id)).not.toContain(dm);
    const order: string[] = [];
    const noteOrder = (event: string, payload: { id?: string; channelId?: string }) => {
      if ((event === 'PRIVATE_CHANNEL_CREATE' && payload.id === dm) || (event === 'CALL_CREATE' && payload.channelId === dm))
        order.push(event);
    };
    bPhone.onAny(noteOrder);
    const aConn = await startCall(dm, a);
    expect(aConn.room).toBe(callRoomName(aConn.call.id));
    const callId = aConn.call.id;
    for (const created of await Promise.all([phoneRings, deskRings])) {
      expect(created.id).toBe(callId);
      expect(statusOf(created, b.id)).toBe('ringing');
    }
    bPhone.offAny(noteOrder);
    expect(order).toEqual(['PRIVATE_CHANNEL_CREATE', 'CALL_CREATE']);
    expect((await server.api.get('/users/@me/channels', b.token)).body.items.map((c: { id: string }) => c.id)).toContain(dm);

    const deskStops = nextEvent<Call>(bDesk, 'CALL_UPDATE', (c: Call) => c.id === callId && statusOf(c, b.id) !== 'ringing', 10_000);
    const accepted = await server.api.post(`/calls/${callId}/accept`, { sessionId: bPhoneSession }, b.token);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    const bConn = CallConnection.parse(accepted.body);
    expect(statusOf(await deskStops, b.id)).toBe('connecting');
    // Answered once: the other device cannot answer again.
    expect((await server.api.post(`/calls/${callId}/accept`, {}, b.token)).status).toBe(409);

    const bothJoined = nextEvent<Call>(
      aGateway,
      'CALL_UPDATE',
      (c: Call) => c.id === callId && statusOf(c, a.id) === 'joined' && statusOf(c, b.id) === 'joined',
      20_000,
    );
    const [botA, botB] = [newBot(), newBot()];
    await botA.connect(aConn);
    await botB.connect(bConn);
    expect(botA.room.name).toBe(callRoomName(callId));
    await Promise.all([botA.publishTone(), botB.publishTone()]);
    await bothJoined;
    // Half a second of measured audio each way, or give up after 30 s.
    const enough = (bot: ListeningBot, from: string) => (bot.heard.get(from)?.samples ?? 0) >= 50 * FRAME_SAMPLES;
    await waitFor('both bots to hear the other', async () => (enough(botA, b.id) && enough(botB, a.id) ? true : undefined), 30_000);
    expect(botA.rms(b.id)).toBeGreaterThan(RMS_THRESHOLD);
    expect(botB.rms(a.id)).toBeGreaterThan(RMS_THRESHOLD);

    // A reloaded client: READY lists the call going on, and a new connection to it is given.
    const reloaded = gateway(b);
    const again = await ready(reloaded);
    expect(again.calls?.map((c) => [c.id, statusOf(c, b.id)])).toEqual([[callId, 'joined']]);
    const reconnect = await server.api.post(`/calls/${callId}/connection`, { sessionId: again.sessionId }, b.token);
    expect(reconnect.status).toBe(200);
    expect(CallConnection.parse(reconnect.body).room).toBe(callRoomName(callId));
    reloaded.disconnect();

    const deleted = nextEvent(bPhone, 'CALL_DELETE', (e: { id: string }) => e.id === callId, 10_000);
    const historyAdd = nextEvent<CallHistoryEntry>(bDesk, 'CALL_HISTORY_ADD', (e: CallHistoryEntry) => e.callId === callId, 10_000);
    expect((await server.api.post(`/calls/${callId}/leave`, undefined, a.token)).status).toBe(204);
    expect(await deleted).toEqual({ id: callId, channelId: dm, outcome: 'answered' });
    expect((await historyAdd).outcome).toBe('answered');
    for (const user of [a, b]) {
      const [entry] = await history(user);
      expect(entry).toEqual(expect.objectContaining({ callId, outcome: 'answered', direction: user === a ? 'outgoing' : 'incoming' }));
      expect(entry!.durationMs).toBeGreaterThan(0);
      expect(entry!.participants.map((p) => p.id).sort()).toEqual([a.id, b.id].sort());
    }
    // A was removed from the room, and the room is closed.
    await waitFor(
      'the call room to close',
      async () => ((await livekit.listParticipants(callRoomName(callId)).catch(() => [])).length === 0 ? true : undefined),
      10_000,
    );
    expect((await server.api.get(`/channels/${dm}/call`, b.token)).status).toBe(404);
  });

  it('when B does not answer for 30 s (server clock moved), then it is missed: B is badged until acknowledging, A sees no answer', async () => {
    const aConn = await startCall(dm, a);
    const callId = aConn.call.id;
    const botA = newBot();
    const aJoined = nextEvent<Call>(aGateway, 'CALL_UPDATE', (c: Call) => c.id === callId && statusOf(c, a.id) === 'joined', 20_000);
    await botA.connect(aConn);
    await aJoined;

    await sweep();
    expect((await server.api.get(`/channels/${dm}/call`, b.token)).body.phase).toBe('ringing');
    const badge = nextEvent(bDesk, 'MISSED_CALLS_UPDATE', () => true, 10_000);
    const deleted = nextEvent(aGateway, 'CALL_DELETE', (e: { id: string }) => e.id === callId, 10_000);
    offsetMs += 30_000;
    await sweep();
    expect(await deleted).toEqual({ id: callId, channelId: dm, outcome: 'missed' });
    expect(await badge).toEqual({ unseen: 1 });
    const [mine] = await history(b);
    expect(mine).toEqual(expect.objectContaining({ callId, outcome: 'missed', direction: 'incoming', unseen: true, durationMs: 0 }));
    const [theirs] = await history(a);
    expect(theirs).toEqual(expect.objectContaining({ callId, outcome: 'missed', direction: 'outgoing', unseen: false }));

    // A fresh session of B learns the badge in READY.
    const third = gateway(b);
    expect((await ready(third)).unseenMissedCalls).toBe(1);
    const cleared = nextEvent(bPhone, 'MISSED_CALLS_UPDATE', (e: { unseen: number }) => e.unseen === 0, 10_000);
    expect((await server.api.post('/users/@me/call-history/ack', undefined, b.token)).status).toBe(204);
    await cleared;
    expect((await history(b))[0]!.unseen).toBe(false);
    third.disconnect();
    await botA.close();
  });

  it("when a call's token is used for another room or a voice channel's room, then livekit-server refuses it; the token is that room's only", async () => {
    const aConn = await startCall(dm, a);
    const claims = decodeJwt(aConn.token) as { sub?: string; exp?: number; nbf?: number; video?: Record<string, unknown> };
    expect(claims.sub).toBe(a.id);
    expect((claims.exp ?? 0) - (claims.nbf ?? 0)).toBeLessThanOrEqual(60);
    expect(claims.video).toEqual(
      expect.objectContaining({
        room: callRoomName(aConn.call.id),
        roomJoin: true,
        canPublishSources: ['microphone', 'camera', 'screen_share', 'screen_share_audio'],
        roomAdmin: false,
        roomCreate: false,
      }),
    );
    const g = await createVoiceGuild(server.api);
    const otherCall = callRoomName('6c00000000000000000000aa');
    for (const room of [otherCall, voiceRoomName(g.a)]) {
      const [header, payload, signature] = aConn.token.split('.');
      const forgedClaims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as { video: { room: string } };
      forgedClaims.video.room = room;
      const forged = `${header}.${Buffer.from(JSON.stringify(forgedClaims)).toString('base64url')}.${signature}`;
      const bot = newBot();
      await expect(bot.connect({ ...aConn, token: forged })).rejects.toThrow();
      expect((await livekit.listParticipants(room).catch(() => [])).map((p) => p.identity)).not.toContain(a.id);
    }
    expect((await server.api.post(`/calls/${aConn.call.id}/leave`, undefined, a.token)).status).toBe(204);
  });

  it('when A and B both call in the same DM at once, then exactly one call starts; when B answers on both devices at once, exactly one answer wins', async () => {
    const both = await Promise.all([a, b].map((u) => server.api.post(`/channels/${dm}/call`, {}, u.token)));
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    const started = CallConnection.parse(both.find((r) => r.status === 200)!.body);
    const callee = started.call.callerId === a.id ? b : a;
    const answers = await Promise.all(
      [1, 2].map((n) => server.api.post(`/calls/${started.call.id}/accept`, { sessionId: `device-${n}` }, callee.token)),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    const got = await server.api.get(`/channels/${dm}/call`, callee.token);
    expect(got.status, JSON.stringify(got.body)).toBe(200);
    const call = Call.parse(got.body);
    expect(statusOf(call, callee.id)).toBe('connecting');
    const ended = nextEvent(aGateway, 'CALL_DELETE', (e: { id: string }) => e.id === started.call.id, 10_000);
    // Both hang up at once: the call ends once, with one history row each.
    const leaves = await Promise.all([a, b].map((u) => server.api.post(`/calls/${started.call.id}/leave`, undefined, u.token)));
    expect(leaves.map((r) => r.status)).toContain(204);
    await ended;
    for (const user of [a, b]) expect((await history(user)).filter((e) => e.callId === started.call.id)).toHaveLength(1);
  });

  it('when a third user asks for the call or acts on it, then 404', async () => {
    const stranger = await registerUser(server.api, 'third');
    const { call } = await startCall(dm, a);
    expect((await server.api.get(`/channels/${dm}/call`, stranger.token)).status).toBe(404);
    for (const action of ['accept', 'decline', 'connection', 'leave']) {
      expect((await server.api.post(`/calls/${call.id}/${action}`, {}, stranger.token)).status).toBe(404);
    }
    expect((await server.api.post(`/channels/${dm}/call`, {}, stranger.token)).status).toBe(404);
    expect((await server.api.post(`/calls/${call.id}/leave`, undefined, a.token)).status).toBe(204);
  });

  it("when a call is started in a guild's channel, then 400 WRONG_CHANNEL_TYPE for a member and 404 for anyone else", async () => {
    const g = await createVoiceGuild(server.api);
    const member = await server.api.post(`/channels/${g.a}/call`, {}, g.member.token);
    expect(member.status).toBe(400);
    expect(member.body.error.code).toBe('WRONG_CHANNEL_TYPE');
    expect((await server.api.post(`/channels/${g.a}/call`, {}, a.token)).status).toBe(404);
  });

  it("when B's privacy says friends only, then a guild member who is not B's friend is refused (403); a blocked user is refused too", async () => {
    const g = await createVoiceGuild(server.api);
    // The guild's owner and member share a guild: with the default privacy they may open a DM.
    const dmWithMember = await openDm(g.owner, [{ ...g.member }]);
    expect((await server.api.put('/users/@me/privacy-settings', { dmsAndCallsFrom: 'friends' }, g.member.token)).status).toBe(200);
    const refused = await server.api.post(`/channels/${dmWithMember}/call`, {}, g.owner.token);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');

    // A blocked user: B blocks A (friends until now, with a DM), and A's call is refused.
    const extra = await registerUser(server.api, 'blocker');
    await befriend(a, extra);
    const blockedDm = await openDm(a, [extra]);
    expect((await server.api.put(`/users/@me/blocks/${a.id}`, undefined, extra.token)).status).toBeLessThan(300);
    const blocked = await server.api.post(`/channels/${blockedDm}/call`, {}, a.token);
    expect(blocked.status).toBe(403);
    // Nothing rang, nothing is going on.
    expect((await server.api.get(`/channels/${blockedDm}/call`, a.token)).status).toBe(404);
  });

  it('when the owner removes a ringing member from the group, then it stops ringing for them; when a member in the call leaves the group, then they are hung up', async () => {
    const owner = await registerUser(server.api, 'grpOwner');
    const stays = await registerUser(server.api, 'grpStays');
    const goes = await registerUser(server.api, 'grpGoes');
    await befriend(owner, stays);
    await befriend(owner, goes);
    const group = await openDm(owner, [stays, goes]);
    const ownerSocket = gateway(owner);
    await ready(ownerSocket);
    const { call } = await startCall(group, owner);
    expect(statusOf(call, goes.id)).toBe('ringing');

    const declined = nextEvent<Call>(ownerSocket, 'CALL_UPDATE', (c: Call) => c.id === call.id && statusOf(c, goes.id) === 'declined');
    expect((await server.api.del(`/users/@me/channels/${group}/recipients/${goes.id}`, owner.token)).status).toBe(204);
    await declined;

    expect((await server.api.post(`/calls/${call.id}/accept`, {}, stays.token)).status).toBe(200);
    const ended = nextEvent<{ id: string; outcome: string }>(ownerSocket, 'CALL_DELETE', (e: { id: string }) => e.id === call.id);
    expect((await server.api.del(`/users/@me/channels/${group}`, stays.token)).status).toBe(204);
    // With one person left, the call is over.
    expect((await ended).id).toBe(call.id);
    expect((await server.api.get(`/channels/${group}/call`, owner.token)).status).toBe(404);
  });
});
