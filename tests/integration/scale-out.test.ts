/**
 * Beyond one machine (issue 18, part 8): three Parley server instances share the test stack's MongoDB-wire server and
 * Redis, and two livekit-server 1.13.5 nodes share that Redis. The stack's LiveKit is node 1; this file starts node 2
 * itself (its own HTTP and RTC ports, the same keys, the same Redis, webhooks to the same Parley port) and stops it in
 * afterAll.
 *
 * What LiveKit OSS does with two nodes (and what the voice test shows): a room lives on exactly one node, recorded in
 * Redis (`room_node_map`). A client may connect to either node's URL; when the room lives on the other node, the node
 * it reached relays its signalling over Redis (psrpc) to the room's node, whose ICE candidates it then uses for media.
 * There is no cross-node media relay in OSS (a room never spans nodes), so "a bot on node 2 hears a bot on node 1"
 * means: two bots that connected through different nodes' URLs hear each other in a room that one of the nodes hosts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { RoomServiceClient } from 'livekit-server-sdk';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VoiceJoinResponse, VoiceStateUpdateEvent, voiceRoomName } from '@shared/api/voice';
import { livekitBinary } from '../../scripts/stack/go-tools';
import { livekitHealth, livekitTemplate, renderTemplate } from '../../scripts/stack/services/livekit';
import { freePort, which } from '../../scripts/stack/tools';
import { uniqueDbName } from '../support/env';
import { FRAME_SAMPLES } from './paced-audio';
import { ListeningBot } from './listening-bot';
import { connectGateway, nextEvent, registerUser, startTestServer, type ApiClient, type TestServer, type TestUser } from './server-helpers';
import { env, startServerOn, waitFor } from './voice-support';

/** A 0.5-amplitude tone measures about 11,500 RMS; silence (or nothing received) is 0. */
const RMS_THRESHOLD = 1_000;

interface LivekitNode {
  readonly httpUrl: string;
  readonly wsUrl: string;
  readonly id: string;
  stop(): Promise<void>;
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/**
 * Starts a second livekit-server on free ports with the stack's template (same keys, same Redis, webhooks to the
 * same Parley port), and finds its node id: the one entry of Redis's `nodes` hash that was not there before.
 * LiveKit removes dead nodes from that hash when a node starts, so afterwards it holds exactly the two live nodes.
 */
async function startSecondNode(redis: Redis): Promise<{ node: LivekitNode; firstNodeId: string }> {
  const [port, tcpPort, udpPort] = [await freePort(), await freePort(), await freeUdpPort()];
  const dir = mkdtempSync(join(tmpdir(), 'parley-livekit-node2-'));
  const config = join(dir, 'livekit.yaml');
  writeFileSync(
    config,
    renderTemplate(readFileSync(livekitTemplate, 'utf8'), {
      LIVEKIT_PORT: String(port),
      LIVEKIT_RTC_TCP_PORT: String(tcpPort),
      LIVEKIT_RTC_UDP_PORT: String(udpPort),
      REDIS_ADDRESS: new URL(env.redisUrl).host,
      LIVEKIT_API_KEY: env.livekitApiKey,
      LIVEKIT_API_SECRET: env.livekitApiSecret,
      WEBHOOK_URL: `http://127.0.0.1:${env.apiPort}/api/v1/livekit/webhook`,
    }),
    { mode: 0o600 },
  );
  const before = new Set(await redis.hkeys('nodes'));
  const logPath = join(dir, 'livekit.log');
  const log = openSync(logPath, 'a');
  const child: ChildProcess = spawn(which('livekit-server') ?? livekitBinary, ['--config', config], { stdio: ['ignore', log, log] });
  closeSync(log);
  let exited = false;
  child.once('exit', () => (exited = true));
  const stop = async (): Promise<void> => {
    if (!exited && child.pid !== undefined) {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      // LiveKit drains rooms on SIGTERM; a second signal ends the wait.
      const forced = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(forced);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      `livekit node 2 on port ${port}`,
      async () => {
        if (exited) throw new Error(`livekit node 2 exited at start:\n${readFileSync(logPath, 'utf8').slice(-3000)}`);
        return (await livekitHealth(port, 1_000)).healthy ? true : undefined;
      },
      30_000,
    );
    const nodes = await waitFor(
      'node 2 in Redis',
      async () => {
        const keys = await redis.hkeys('nodes');
        return keys.some((k) => !before.has(k)) ? keys : undefined;
      },
      10_000,
    );
    const id = nodes.find((k) => !before.has(k)) ?? '';
    const others = nodes.filter((k) => k !== id);
    if (others.length !== 1) throw new Error(`expected exactly one other live LiveKit node in Redis, found ${JSON.stringify(others)}`);
    return { node: { httpUrl: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}`, id, stop }, firstNodeId: others[0] ?? '' };
  } catch (err) {
    await stop();
    throw err;
  }
}

let redis: Redis;
let node2: LivekitNode;
let node1Id: string;
/** A takes LiveKit's webhooks (from both nodes) and hands out node 1; B hands out node 2; C hands out node 1. */
let a: TestServer;
let b: TestServer;
let c: TestServer;
let owner: TestUser;
let onB: TestUser;
let onC: TestUser;
let guildId: string;
let textId: string;
let voice1: string;
let voice2: string;
const sockets: Socket[] = [];
const bots: ListeningBot[] = [];
/** Each member's gateway, connected to "their" instance: owner → A, onB → B, onC → C. */
let gateways: { a: Socket; b: Socket; c: Socket };

async function joinVoice(api: ApiClient, channelId: string, user: TestUser): Promise<VoiceJoinResponse> {
  const res = await api.post(`/channels/${channelId}/voice/join`, undefined, user.token);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return VoiceJoinResponse.parse(res.body);
}

beforeAll(async () => {
  redis = new Redis(env.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const started = await startSecondNode(redis);
  node2 = started.node;
  node1Id = started.firstNodeId;

  const db = uniqueDbName('parley_test_scale');
  // Reconcilers off: this file is about what the instances tell each other, not about repairing drift.
  a = await startServerOn(env.apiPort, { MONGODB_DB: db });
  b = await startTestServer({
    MONGODB_DB: db,
    LIVEKIT_URL: node2.httpUrl,
    LIVEKIT_PUBLIC_URL: node2.wsUrl,
    VOICE_RECONCILE_INTERVAL_MS: '0',
  });
  c = await startTestServer({ MONGODB_DB: db, VOICE_RECONCILE_INTERVAL_MS: '0' });

  owner = await registerUser(a.api, 'owner');
  onB = await registerUser(b.api, 'memberb');
  onC = await registerUser(c.api, 'memberc');
  guildId = (await a.api.post('/guilds', { name: 'Scale out' }, owner.token)).body.id;
  textId = (await a.api.get(`/guilds/${guildId}/channels`, owner.token)).body.items.find((ch: { type: string }) => ch.type === 'text').id;
  voice1 = (await a.api.post(`/guilds/${guildId}/channels`, { type: 'voice', name: 'on-node-1' }, owner.token)).body.id;
  voice2 = (await a.api.post(`/guilds/${guildId}/channels`, { type: 'voice', name: 'on-node-2' }, owner.token)).body.id;
  const invite = (await a.api.post(`/guilds/${guildId}/invites`, {}, owner.token)).body;
  // Each member accepts through their own instance.
  expect((await b.api.post(`/invites/${invite.code}`, undefined, onB.token)).status).toBe(200);
  expect((await c.api.post(`/invites/${invite.code}`, undefined, onC.token)).status).toBe(200);

  gateways = { a: connectGateway(a.url, owner.token), b: connectGateway(b.url, onB.token), c: connectGateway(c.url, onC.token) };
  sockets.push(gateways.a, gateways.b, gateways.c);
  await Promise.all(Object.values(gateways).map((s) => nextEvent(s, 'READY', () => true, 20_000)));
});

afterAll(async () => {
  for (const bot of bots) await bot.close();
  // No rtc-node dispose(): files share one worker (vitest.config.ts), where rtc-node cannot start again once disposed.
  for (const s of sockets) s.disconnect();
  await c?.server.stop();
  await b?.server.stop();
  await a?.stop();
  await node2?.stop();
  redis?.disconnect();
});

describe('three Parley instances on one MongoDB and one Redis', () => {
  it('when each member sends a message through their own instance, then the gateways on all three instances receive all three', async () => {
    const senders = [
      { api: a.api, user: owner, content: 'hello from A' },
      { api: b.api, user: onB, content: 'hello from B' },
      { api: c.api, user: onC, content: 'hello from C' },
    ];
    const expected = Object.values(gateways).flatMap((socket) =>
      senders.map((s) => nextEvent(socket, 'MESSAGE_CREATE', (m: { content: string }) => m.content === s.content, 10_000)),
    );
    const ids: string[] = [];
    for (const s of senders) {
      const res = await s.api.post(`/channels/${textId}/messages`, { content: s.content }, s.user.token);
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    const received = await Promise.all(expected);
    // Three gateways × three messages, each the message that was stored.
    expect(received.map((m: { id: string }) => m.id)).toEqual([...ids, ...ids, ...ids]);
    // And the history read through any instance is the same.
    const histories = await Promise.all(
      [a, b, c].map(async (srv) =>
        (await srv.api.get(`/channels/${textId}/messages?limit=10`, owner.token)).body.items.map((m: { id: string }) => m.id),
      ),
    );
    expect(histories[1]).toEqual(histories[0]);
    expect(histories[2]).toEqual(histories[0]);
    expect(histories[0]).toEqual(expect.arrayContaining(ids));
  });
});

describe('voice across two LiveKit nodes on one Redis', () => {
  it('when the instances point at different LiveKit nodes, then each hands out its own node and both nodes are live in Redis', async () => {
    expect(node2.id).toMatch(/^ND_/);
    expect(node1Id).toMatch(/^ND_/);
    expect(node2.id).not.toBe(node1Id);
    expect((await joinVoice(a.api, voice1, owner)).url).toBe(env.livekitPublicUrl);
    expect((await joinVoice(b.api, voice1, onB)).url).toBe(node2.wsUrl);
    expect(node2.wsUrl).not.toBe(env.livekitPublicUrl);
  });

  for (const where of ['node 1', 'node 2'] as const) {
    it(`when a room lives on ${where} and two members join through instances that hand out different nodes, then they hear each other and a member on the third instance sees both voice states`, async () => {
      const channelId = where === 'node 1' ? voice1 : voice2;
      const hostId = where === 'node 1' ? node1Id : node2.id;
      const room = voiceRoomName(channelId);
      // Pin the room to a node (LiveKit would otherwise pick one at random on the first join), asking node 2's API
      // even for node 1: room placement goes through the shared Redis, not through the node that was asked.
      await new RoomServiceClient(node2.httpUrl, env.livekitApiKey, env.livekitApiSecret).createRoom({
        name: room,
        nodeId: hostId,
        emptyTimeout: 60,
      });
      expect(await redis.hget('room_node_map', room)).toBe(hostId);

      const seenOnC = (userId: string) =>
        nextEvent<VoiceStateUpdateEvent>(
          gateways.c,
          'VOICE_STATE_UPDATE',
          (p: VoiceStateUpdateEvent) => p.userId === userId && p.channelId === channelId,
          20_000,
        );
      const ownerSeen = seenOnC(owner.id);
      const memberSeen = seenOnC(onB.id);

      const viaNode1 = await joinVoice(a.api, channelId, owner);
      const viaNode2 = await joinVoice(b.api, channelId, onB);
      expect([viaNode1.url, viaNode2.url]).toEqual([env.livekitPublicUrl, node2.wsUrl]);
      const [bot1, bot2] = [new ListeningBot(), new ListeningBot()];
      bots.push(bot1, bot2);
      await bot1.connect(viaNode1);
      await bot2.connect(viaNode2);
      expect([bot1.room.name, bot2.room.name]).toEqual([room, room]);
      await Promise.all([bot1.publishTone(), bot2.publishTone()]);

      // Half a second of measured audio each way, or give up after 30 s.
      const enough = 50 * FRAME_SAMPLES;
      await waitFor(
        `both bots to hear each other in a room on ${where}`,
        async () => (bot1.samplesFrom(onB.id) >= enough && bot2.samplesFrom(owner.id) >= enough ? true : undefined),
        30_000,
      );
      expect(bot2.rms(owner.id)).toBeGreaterThan(RMS_THRESHOLD);
      expect(bot1.rms(onB.id)).toBeGreaterThan(RMS_THRESHOLD);
      // The room stayed where it was put: one of the two bots reached it through the other node, relayed over Redis.
      expect(await redis.hget('room_node_map', room)).toBe(hostId);

      // The node hosting the room sent its webhooks to instance A; the member connected to C heard of both joins.
      expect(VoiceStateUpdateEvent.parse(await ownerSeen)).toMatchObject({ guildId, channelId });
      expect(VoiceStateUpdateEvent.parse(await memberSeen)).toMatchObject({ guildId, channelId });
      const listed = await c.api.get(`/guilds/${guildId}/voice-states`, onC.token);
      expect(listed.status).toBe(200);
      expect(
        listed.body.items
          .filter((s: { channelId: string }) => s.channelId === channelId)
          .map((s: { userId: string }) => s.userId)
          .sort(),
      ).toEqual([owner.id, onB.id].sort());

      // Leaving is seen across instances too.
      const leftOnB = nextEvent<VoiceStateUpdateEvent>(
        gateways.b,
        'VOICE_STATE_UPDATE',
        (p: VoiceStateUpdateEvent) => p.userId === owner.id && p.channelId === null,
        20_000,
      );
      await bot1.close();
      await leftOnB;
      await bot2.close();
    });
  }
});
