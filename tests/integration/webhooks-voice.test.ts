/* eslint-disable @typescript-eslint/no-explicit-any -- webhook bodies are checked field by field */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookEvent } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VoiceJoinResponse, voiceRoomName } from '@shared/api/voice';
import {
  Bot,
  createVoiceGuild,
  env,
  postLivekitWebhook,
  roomService,
  sleep,
  startServerOn,
  waitFor,
  type VoiceGuild,
} from './voice-support';
import type { TestServer } from './server-helpers';

/**
 * Voice events of outbound webhooks on the real stack: LiveKit (posting its own signed webhooks to this in-process
 * server), the MongoDB-wire database and Redis with BullMQ, and a receiver on loopback. A member's voice join and leave
 * send voice.joined / voice.left; the channel's LiveKit room opening and closing send call.started / call.ended, once
 * each even when LiveKit delivers a webhook twice, and a call whose room_finished never came ends once its room is
 * seen gone. The server's clock can be moved ahead (`aheadMs`) to age open calls past the sweep's grace.
 */

interface Delivery {
  type: string;
  guildId: string;
  data: any;
}

let server: TestServer;
let g: VoiceGuild;
let receiver: Server;
const received: Delivery[] = [];
const bots: Bot[] = [];
let aheadMs = 0;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Delivery);
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  // On the port LiveKit posts its webhooks to.
  // Reconciling every second also runs the call sweep that often.
  server = await startServerOn(
    env.apiPort,
    { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', VOICE_RECONCILE_INTERVAL_MS: '1000' },
    { clock: { now: () => new Date(Date.now() + aheadMs) } },
  );
  g = await createVoiceGuild(server.api);
  const port = (receiver.address() as AddressInfo).port;
  const created = await server.api.post(
    `/guilds/${g.guildId}/webhooks`,
    { name: 'Voice', url: `http://127.0.0.1:${port}/voice`, events: ['voice.joined', 'voice.left', 'call.started', 'call.ended'] },
    g.owner.token,
  );
  expect(created.status).toBe(201);
}, 120_000);

afterAll(async () => {
  for (const bot of bots) await bot.close();
  // No rtc-node dispose(): files share one worker (vitest.config.ts), where rtc-node cannot start again once disposed.
  await server?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

/** The member joins a voice channel through our API and connects a bot with the token. */
async function joinAsMember(channelId: string): Promise<Bot> {
  const res = await server.api.post(`/channels/${channelId}/voice/join`, undefined, g.member.token);
  expect(res.status).toBe(200);
  const join = VoiceJoinResponse.parse(res.body);
  const bot = new Bot();
  bots.push(bot);
  await bot.connect(join.url, join.token);
  return bot;
}

const ofType = (type: string, channelId: string) => received.filter((d) => d.type === type && d.data?.channelId === channelId);

describe('voice webhooks', () => {
  it('when a member joins an empty voice channel and later the call ends, then call.started, voice.joined, voice.left and call.ended arrive once each, with one call id', async () => {
    const bot = await joinAsMember(g.a);

    const started = await waitFor('call.started', async () => ofType('call.started', g.a)[0], 20_000);
    expect(started).toMatchObject({ guildId: g.guildId, data: { guildId: g.guildId, channelId: g.a } });
    expect(started.data.callId).toMatch(/^RM_/);
    expect(Number.isNaN(Date.parse(started.data.startedAt))).toBe(false);
    const joined = await waitFor('voice.joined', async () => ofType('voice.joined', g.a)[0], 20_000);
    expect(joined.data).toMatchObject({ userId: g.member.id, channelId: g.a });

    // LiveKit delivers a webhook again when an answer was lost: the call is still announced once.
    const [room] = await roomService().listRooms([voiceRoomName(g.a)]);
    expect(room?.sid).toBe(started.data.callId);
    const again = WebhookEvent.fromJson({
      event: 'room_started',
      id: `EV_retry_${Date.now()}`,
      createdAt: String(Math.floor(Date.now() / 1000)),
      room: room!.toJson(),
    } as never);
    expect(await postLivekitWebhook(server.url, again)).toBe(200);

    await bot.close();
    await waitFor('voice.left', async () => ofType('voice.left', g.a)[0], 20_000);
    // The room closes when LiveKit's departure timeout runs out, or at once when it is deleted (as deleting the
    // channel does): delete it here rather than wait.
    await roomService().deleteRoom(voiceRoomName(g.a));
    const ended = await waitFor('call.ended', async () => ofType('call.ended', g.a)[0], 20_000);
    expect(ended.data).toMatchObject({
      guildId: g.guildId,
      channelId: g.a,
      callId: started.data.callId,
      startedAt: started.data.startedAt,
    });
    expect(ended.data.durationMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(ended.data.endedAt)).toBeGreaterThanOrEqual(Date.parse(started.data.startedAt));

    // A late room_finished for the same room (LiveKit retrying) ends nothing twice.
    const finishedAgain = WebhookEvent.fromJson({
      event: 'room_finished',
      id: `EV_retry_fin_${Date.now()}`,
      createdAt: String(Math.floor(Date.now() / 1000)),
      room: room!.toJson(),
    } as never);
    expect(await postLivekitWebhook(server.url, finishedAgain)).toBe(200);
    await sleep(1_500);
    expect(ofType('call.started', g.a)).toHaveLength(1);
    expect(ofType('call.ended', g.a)).toHaveLength(1);
    expect(ofType('voice.joined', g.a)).toHaveLength(1);
    expect(ofType('voice.left', g.a)).toHaveLength(1);
  }, 90_000);

  it('when a call ended while no server got its room_finished, then the sweep sends call.ended once its room is seen gone, and leaves a live call alone', async () => {
    await joinAsMember(g.b);
    const live = await waitFor('call.started (live)', async () => ofType('call.started', g.b)[0], 20_000);

    // A room LiveKit announced and then closed while every server was down: its room_started came, its room_finished
    // never will, and LiveKit no longer lists it.
    const now = Date.now();
    const lostSid = `RM_lost${now}`;
    const lost = WebhookEvent.fromJson({
      event: 'room_started',
      id: `EV_lost_${now}`,
      createdAt: String(Math.floor(now / 1000)),
      room: { sid: lostSid, name: voiceRoomName(g.c), creationTime: String(Math.floor(now / 1000)), creationTimeMs: String(now) },
    } as never);
    expect(await postLivekitWebhook(server.url, lost)).toBe(200);
    await waitFor('call.started (lost)', async () => ofType('call.started', g.c).find((d) => d.data.callId === lostSid), 20_000);
    // Young calls are never swept (their room_started may race LiveKit's room list).
    await sleep(2_500);
    expect(ofType('call.ended', g.c)).toHaveLength(0);

    aheadMs = 2 * 60_000;
    const ended = await waitFor('call.ended (lost)', async () => ofType('call.ended', g.c)[0], 20_000);
    expect(ended.data).toMatchObject({ guildId: g.guildId, channelId: g.c, callId: lostSid });
    expect(ended.data.durationMs).toBeGreaterThanOrEqual(2 * 60_000);
    // Later sweeps find nothing more to end, and the call whose room is still live stays open.
    await sleep(2_500);
    expect(ofType('call.ended', g.c)).toHaveLength(1);
    expect(ofType('call.ended', g.b)).toHaveLength(0);
    expect(ofType('call.started', g.b)).toEqual([live]);
  }, 90_000);
});
