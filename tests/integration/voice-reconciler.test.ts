/**
 * The reconciler against the real SFU: LiveKit's webhooks are swallowed by a sink on the webhook port (a crashed or
 * unreachable server), so only reconcileOnce() — which asks LiveKit for its participant lists — can fix voice state.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { voiceRoomName, type VoiceStateUpdateEvent } from '@shared/api/voice';
import type { Clock } from '../../server/src/clock';
import { VoiceGuestList, type VoiceGuestUpdateEvent } from '@shared/api/embed';
import { guestsOf } from '../../server/src/modules/embed/embed.module';
import { voiceOf } from '../../server/src/modules/voice/voice.module';
import { SEAT_HOLD_SLACK_MS } from '../../server/src/modules/voice/voice.service';
import { SEAT_REAP_MARGIN_MS } from '../../server/src/modules/voice/voice.repo';
import { connectGateway, nextEvent, registerUser, type TestServer } from './server-helpers';
import { Bot, createVoiceGuild, env, roomService, sleep, startServerOn, waitFor, type VoiceGuild } from './voice-support';

/** The server's clock; the seat test moves it forward so an unused token's hold runs out without sleeping. */
let offsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };
let sink: Server;
let swallowed = 0;
let server: TestServer;
let g: VoiceGuild;
let gateway: Socket;
const bot = new Bot();
const livekit = roomService();
const BOT_PROCESS = fileURLToPath(new URL('./voice-bot-process.ts', import.meta.url));

/** Answers 200 to every webhook so LiveKit neither retries nor reaches a Parley server. */
async function listenSink(port: number): Promise<Server> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const http = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        swallowed += 1;
        res.end();
      });
    });
    try {
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, '127.0.0.1', () => resolve());
      });
      return http;
    } catch (err) {
      if ((err as { code?: string }).code !== 'EADDRINUSE' || Date.now() > deadline) throw err;
      await sleep(1_000);
    }
  }
}

/** Whether LiveKit lists the test member in a channel's room (a room that does not exist lists nobody). */
async function memberInRoom(channelId: string): Promise<boolean> {
  return (await livekit.listParticipants(voiceRoomName(channelId)).catch(() => [])).some((p) => p.identity === g.member.id);
}

function guestSweep() {
  const guests = guestsOf(server.server.gateway.publisher);
  if (!guests) throw new Error('embed module not running');
  return guests.sweep();
}

function reconciler() {
  const voice = voiceOf(server.server.gateway.publisher);
  if (!voice) throw new Error('voice module not running');
  return voice.reconciler;
}

beforeAll(async () => {
  sink = await listenSink(env.apiPort);
  // Port 0: this server never hears from LiveKit on its own.
  server = await startServerOn(0, {}, { clock });
  g = await createVoiceGuild(server.api);
  gateway = connectGateway(server.url, g.owner.token);
  await nextEvent(gateway, 'READY', () => true, 20_000);
});

afterAll(async () => {
  await bot.close();
  // No rtc-node dispose(): files share one worker (vitest.config.ts), where rtc-node cannot start again once disposed.
  gateway?.disconnect();
  await server?.stop();
  await new Promise((resolve) => sink?.close(resolve));
});

describe('voice reconciler', () => {
  it('when LiveKit has a participant the server never heard of, then reconcileOnce lists them; when LiveKit drops them silently, then reconcileOnce removes them', async () => {
    const res = await server.api.post(`/channels/${g.a}/voice/join`, undefined, g.member.token);
    expect(res.status).toBe(200);
    await bot.connect(res.body.url, res.body.token);
    await bot.publishTone();
    await waitFor('LiveKit to list the bot', async () => ((await memberInRoom(g.a)) ? true : undefined));
    await waitFor('the sink to swallow the join webhook', async () => (swallowed > 0 ? true : undefined));
    expect((await server.api.get(`/guilds/${g.guildId}/voice-states`, g.owner.token)).body.items).toEqual([]);

    const joined = nextEvent<VoiceStateUpdateEvent>(
      gateway,
      'VOICE_STATE_UPDATE',
      (p) => p.userId === g.member.id && p.channelId === g.a,
      5_000,
    );
    const first = await reconciler().reconcileOnce();
    expect(first.added).toBe(1);
    expect(first.removed).toBe(0);
    await joined;
    expect((await server.api.get(`/guilds/${g.guildId}/voice-states`, g.owner.token)).body.items).toEqual([
      expect.objectContaining({ userId: g.member.id, channelId: g.a }),
    ]);

    // The participant vanishes without our server hearing about it (its webhook goes to the sink).
    await livekit.removeParticipant(voiceRoomName(g.a), g.member.id);
    await waitFor('LiveKit to drop the bot', async () => ((await memberInRoom(g.a)) ? undefined : true));
    expect((await server.api.get(`/guilds/${g.guildId}/voice-states`, g.owner.token)).body.items).toHaveLength(1);

    const left = nextEvent<VoiceStateUpdateEvent>(
      gateway,
      'VOICE_STATE_UPDATE',
      (p) => p.userId === g.member.id && p.channelId === null,
      5_000,
    );
    const second = await reconciler().reconcileOnce();
    expect(second.removed).toBe(1);
    expect((await left).previousChannelId).toBe(g.a);
    expect((await server.api.get(`/guilds/${g.guildId}/voice-states`, g.owner.token)).body.items).toEqual([]);
    const audit = await server.api.get(`/guilds/${g.guildId}/audit-log?action=voice.leave`, g.owner.token);
    expect(audit.body.items).toEqual([expect.objectContaining({ actorId: null, targetId: g.member.id })]);

    // Idempotent: nothing left to fix.
    const third = await reconciler().reconcileOnce();
    expect([third.added, third.removed]).toEqual([0, 0]);
  });

  it('when a bot process is killed outright, then once LiveKit gives up on it the reconciler removes its voice state', async () => {
    const res = await server.api.post(`/channels/${g.c}/voice/join`, undefined, g.member.token);
    expect(res.status).toBe(200);
    const child = spawn(process.execPath, ['--import', 'tsx', BOT_PROCESS, res.body.url, res.body.token], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => d.toString().includes('published') && resolve());
        child.once('exit', (code) => reject(new Error(`bot process exited with ${code} before publishing`)));
      });
      await waitFor('LiveKit to list the bot', async () => ((await memberInRoom(g.c)) ? true : undefined));
      expect((await reconciler().reconcileOnce()).added).toBe(1);
      expect((await server.api.get(`/guilds/${g.guildId}/voice-states`, g.owner.token)).body.items).toEqual([
        expect.objectContaining({ userId: g.member.id, channelId: g.c }),
      ]);

      // A crash: the process dies without leaving. Its webhooks go to the sink, so only the reconciler can notice.
      const killed = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await killed;
      await waitFor('LiveKit to drop the killed bot', async () => ((await memberInRoom(g.c)) ? undefined : true), 60_000);
      expect((await server.api.get(`/guilds/${g.guildId}/voice-states`, g.owner.token)).body.items).toHaveLength(1);
      const left = nextEvent<VoiceStateUpdateEvent>(
        gateway,
        'VOICE_STATE_UPDATE',
        (p) => p.userId === g.member.id && p.channelId === null,
        5_000,
      );
      expect((await reconciler().reconcileOnce()).removed).toBe(1);
      expect((await left).previousChannelId).toBe(g.c);
      expect((await server.api.get(`/guilds/${g.guildId}/voice-states`, g.owner.token)).body.items).toEqual([]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 120_000);

  it('when a connected member is kicked from the guild, then the kick itself disconnects them from LiveKit (their token was valid when they joined)', async () => {
    const res = await server.api.post(`/channels/${g.b}/voice/join`, undefined, g.member.token);
    expect(res.status).toBe(200);
    const kicked = new Bot();
    try {
      await kicked.connect(res.body.url, res.body.token);
      expect((await reconciler().reconcileOnce()).added).toBe(1);

      const kick = await server.api.del(`/guilds/${g.guildId}/members/${g.member.id}`, g.owner.token);
      expect(kick.status).toBe(204);
      // No reconciler pass: the kick ends the voice session itself.
      await waitFor('LiveKit to drop the kicked member', async () => ((await memberInRoom(g.b)) ? undefined : true));
      await waitFor('the bot to be disconnected', async () => (kicked.disconnected ? true : undefined));
      expect((await server.api.get(`/guilds/${g.guildId}/voice-states`, g.owner.token)).body.items).toEqual([]);
      const audit = await server.api.get(`/guilds/${g.guildId}/audit-log?action=voice.disconnect`, g.owner.token);
      expect(audit.body.items).toEqual([expect.objectContaining({ actorId: g.owner.id, targetId: g.member.id })]);
      expect((await reconciler().reconcileOnce()).evicted).toBe(0);
    } finally {
      await kicked.close();
    }
  });

  it('when a membership vanishes without the guild service (a crash between the two writes), then reconcileOnce evicts the member from voice', async () => {
    // The previous test kicked the member: invite them back.
    const invite = await server.api.post(`/guilds/${g.guildId}/invites`, {}, g.owner.token);
    expect((await server.api.post(`/invites/${invite.body.code}`, undefined, g.member.token)).status).toBe(200);
    const res = await server.api.post(`/channels/${g.b}/voice/join`, undefined, g.member.token);
    expect(res.status).toBe(200);
    const ghost = new Bot();
    try {
      await ghost.connect(res.body.url, res.body.token);
      expect((await reconciler().reconcileOnce()).added).toBe(1);
      expect(await server.server.repos.guilds.deleteMember(g.guildId, g.member.id)).toBe(true);

      expect((await reconciler().reconcileOnce()).evicted).toBe(1);
      await waitFor('LiveKit to drop the member', async () => ((await memberInRoom(g.b)) ? undefined : true));
      const audit = await server.api.get(`/guilds/${g.guildId}/audit-log?action=voice.disconnect`, g.owner.token);
      expect(audit.body.items[0]).toEqual(expect.objectContaining({ actorId: null, targetId: g.member.id }));
    } finally {
      await ghost.close();
    }
  });

  it("when a seat's leave webhook is lost or its token is never used, then reconcileOnce frees it for the next member", async () => {
    const solo = (await server.api.post(`/guilds/${g.guildId}/channels`, { type: 'voice', name: 'solo', userLimit: 1 }, g.owner.token)).body
      .id as string;
    const invite = await server.api.post(`/guilds/${g.guildId}/invites`, {}, g.owner.token);
    const [seated, waiting] = [await registerUser(server.api, 'seated'), await registerUser(server.api, 'waiting')];
    for (const u of [seated, waiting]) expect((await server.api.post(`/invites/${invite.body.code}`, undefined, u.token)).status).toBe(200);
    const ask = async (token: string) => (await server.api.post(`/channels/${solo}/voice/join`, undefined, token)).body.error?.code ?? 'OK';
    const inSolo = async () => (await livekit.listParticipants(voiceRoomName(solo)).catch(() => [])).some((p) => p.identity === seated.id);

    // The seated member connects and then vanishes; every webhook goes to the sink.
    const res = await server.api.post(`/channels/${solo}/voice/join`, undefined, seated.token);
    expect(res.status).toBe(200);
    const gone = new Bot();
    try {
      await gone.connect(res.body.url, res.body.token);
      expect((await reconciler().reconcileOnce()).added).toBe(1);
      expect(await ask(waiting.token)).toBe('CHANNEL_FULL');
      await livekit.removeParticipant(voiceRoomName(solo), seated.id);
      await waitFor('LiveKit to drop the seated member', async () => ((await inSolo()) ? undefined : true));
      expect(await ask(waiting.token)).toBe('CHANNEL_FULL');
      expect((await reconciler().reconcileOnce()).removed).toBe(1);
      expect(await ask(waiting.token)).toBe('OK');
    } finally {
      await gone.close();
    }

    // Now `waiting` holds the seat for a token they never use: after its TTL plus slack, a pass frees it.
    expect(await ask(seated.token)).toBe('CHANNEL_FULL');
    offsetMs += 60_000 + SEAT_HOLD_SLACK_MS + SEAT_REAP_MARGIN_MS + 1_000;
    expect((await reconciler().reconcileOnce()).seatsFreed).toBe(1);
    expect(await ask(seated.token)).toBe('OK');
  });

  it("when a widget guest's join webhook is lost, then the guest sweep lists them with LiveKit's name for them; when LiveKit drops them silently, then the sweep removes them", async () => {
    const on = await server.api.patch(
      `/guilds/${g.guildId}/embed-settings`,
      { guestAccess: 'listen', allowedOrigins: ['https://example.com'] },
      g.owner.token,
    );
    expect(on.status).toBe(200);
    // The settings change starts a sweep of its own; this one runs after it, so it has finished.
    await guestSweep();
    const grant = await server.api.post(`/embed/voice/${g.a}/guest-token`);
    expect(grant.status).toBe(201);
    const identity = grant.body.identity as string;
    const guest = new Bot();
    const listed = async () => VoiceGuestList.parse((await server.api.get(`/guilds/${g.guildId}/voice-guests`, g.owner.token)).body).items;
    try {
      await guest.connect(grant.body.url, grant.body.token);
      await waitFor('LiveKit to list the guest', async () =>
        (await livekit.listParticipants(voiceRoomName(g.a))).some((p) => p.identity === identity) ? true : undefined,
      );
      expect(await listed()).toEqual([]);

      const joined = nextEvent<VoiceGuestUpdateEvent>(gateway, 'VOICE_GUEST_UPDATE', (e) => e.identity === identity && e.connected, 5_000);
      expect((await guestSweep()).adopted).toBe(1);
      expect((await joined).channelId).toBe(g.a);
      const [found] = await listed();
      expect(found).toMatchObject({ identity, channelId: g.a, guildId: g.guildId });
      // The name LiveKit has from the guest's token, as the join webhook would have given it.
      expect(found?.name).toBe(`Guest ${identity.slice('guest:'.length, 'guest:'.length + 4)}`);
      expect((await guestSweep()).adopted).toBe(0);

      const left = nextEvent<VoiceGuestUpdateEvent>(gateway, 'VOICE_GUEST_UPDATE', (e) => e.identity === identity && !e.connected, 5_000);
      await livekit.removeParticipant(voiceRoomName(g.a), identity);
      await waitFor('LiveKit to drop the guest', async () =>
        (await livekit.listParticipants(voiceRoomName(g.a))).some((p) => p.identity === identity) ? undefined : true,
      );
      expect((await guestSweep()).dropped).toBe(1);
      await left;
      expect(await listed()).toEqual([]);
    } finally {
      await guest.close();
    }
  });
});
