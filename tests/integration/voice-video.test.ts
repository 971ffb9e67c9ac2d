/**
 * Camera and screen share in voice channels (issue 17 item 1) against the real stack: livekit-server 1.13.5 enforces
 * the sources our tokens grant (VIDEO → camera, STREAM → screen share), a moderator's serverVideoOff / serverStreamOff
 * stops a live track through updateParticipant, and voice states report selfVideo / selfStream from LiveKit's track
 * webhooks. rtc-node bots publish a small paced picture.
 */
import { decodeJwt } from 'jose';
import { TrackSource } from 'livekit-server-sdk';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VoiceJoinResponse, voiceRoomName } from '@shared/api/voice';
import type { VoiceState, VoiceStateUpdateEvent } from '@shared/api/voice';
import { Permission } from '@shared/permissions/permissions';
import { connectGateway, nextEvent, type TestServer } from './server-helpers';
import { Bot, createVoiceGuild, env, roomService, startServerOn, waitFor, type VoiceGuild } from './voice-support';

let server: TestServer;
let g: VoiceGuild;
let ownerGateway: Socket;
const bots: Bot[] = [];
const livekit = roomService();

async function join(channelId: string, token: string): Promise<VoiceJoinResponse> {
  const res = await server.api.post(`/channels/${channelId}/voice/join`, {}, token);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return VoiceJoinResponse.parse(res.body);
}

async function connectedBot(channelId: string, token: string): Promise<Bot> {
  const res = await join(channelId, token);
  const bot = new Bot();
  bots.push(bot);
  await bot.connect(res.url, res.token);
  return bot;
}

/** The sources of the member's live tracks as LiveKit lists them (its own truth, not our voice state). */
async function liveSources(channelId: string, identity: string): Promise<TrackSource[]> {
  const list = await livekit.listParticipants(voiceRoomName(channelId)).catch(() => []);
  return list.find((p) => p.identity === identity)?.tracks.map((t) => t.source) ?? [];
}

async function stateOf(userId: string): Promise<VoiceState | undefined> {
  const res = await server.api.get(`/guilds/${g.guildId}/voice-states`, g.owner.token);
  return (res.body.items as VoiceState[]).find((s) => s.userId === userId);
}

/** Whether a publish is refused: settles within rtc-node's publish timeout (~10 s) plus slack, else "pending". */
async function publishOutcome(publish: Promise<unknown>): Promise<'published' | 'refused' | 'pending'> {
  return Promise.race([
    publish.then(
      () => 'published' as const,
      () => 'refused' as const,
    ),
    new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), 15_000)),
  ]);
}

const update = (userId: string, match: (p: VoiceStateUpdateEvent) => boolean) =>
  nextEvent<VoiceStateUpdateEvent>(
    ownerGateway,
    'VOICE_STATE_UPDATE',
    (p: VoiceStateUpdateEvent) => p.userId === userId && match(p),
    10_000,
  );

beforeAll(async () => {
  server = await startServerOn(env.apiPort);
  g = await createVoiceGuild(server.api);
  ownerGateway = connectGateway(server.url, g.owner.token);
  await nextEvent(ownerGateway, 'READY', () => true, 20_000);
});

afterAll(async () => {
  for (const bot of bots) await bot.close();
  // No rtc-node dispose(): files share one worker (vitest.config.ts), where rtc-node cannot start again once disposed.
  ownerGateway?.disconnect();
  await server?.stop();
});

describe('video permissions', () => {
  it('when a member lacks VIDEO in a channel, then the token leaves the camera out and LiveKit refuses a camera track', async () => {
    const overwrites = [{ id: g.guildId, type: 'role', allow: 0, deny: Permission.VIDEO }];
    const created = await server.api.post(
      `/guilds/${g.guildId}/channels`,
      { type: 'voice', name: 'no-cameras', overwrites },
      g.owner.token,
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const channelId = created.body.id as string;

    const res = await join(channelId, g.member.token);
    const grant = (decodeJwt(res.token) as { video?: { canPublishSources?: string[] } }).video;
    expect(grant?.canPublishSources).toEqual(['microphone', 'screen_share', 'screen_share_audio']);

    const bot = new Bot();
    bots.push(bot);
    await bot.connect(res.url, res.token);
    await waitFor('the member to be in voice', async () => ((await stateOf(g.member.id))?.channelId === channelId ? true : undefined));
    // What livekit-server 1.13.5 really does: it never answers the publish request, and rtc-node gives up (rejects).
    expect(await publishOutcome(bot.publishVideo('camera'))).toBe('refused');
    expect(await liveSources(channelId, g.member.id)).not.toContain(TrackSource.CAMERA);
    expect((await stateOf(g.member.id))?.selfVideo).toBe(false);
    await bot.close();
  });

  it('when a member has VIDEO and STREAM, then their camera and screen share go live, LiveKit lists them and the voice state says so', async () => {
    const bot = await connectedBot(g.a, g.member.token);
    const videoOn = update(g.member.id, (p) => p.channelId === g.a && p.selfVideo);
    await bot.publishVideo('camera');
    expect(await videoOn).toEqual(expect.objectContaining({ selfVideo: true, selfStream: false }));
    await waitFor('LiveKit to list the camera', async () =>
      (await liveSources(g.a, g.member.id)).includes(TrackSource.CAMERA) ? true : undefined,
    );

    const streamOn = update(g.member.id, (p) => p.channelId === g.a && p.selfStream);
    await bot.publishVideo('screen_share');
    expect(await streamOn).toEqual(expect.objectContaining({ selfVideo: true, selfStream: true }));
    expect(await liveSources(g.a, g.member.id)).toEqual(expect.arrayContaining([TrackSource.CAMERA, TrackSource.SCREEN_SHARE]));
    expect(await stateOf(g.member.id)).toEqual(expect.objectContaining({ selfVideo: true, selfStream: true }));
  });
});

describe('video moderation', () => {
  it('when a moderator stops the stream, then LiveKit drops the live screen share, the camera stays, and a new screen share is refused', async () => {
    const bot = bots.at(-1);
    if (!bot) throw new Error('the publishing test must run first');
    const streamGone = update(g.member.id, (p) => p.channelId === g.a && !p.selfStream);
    const res = await server.api.patch(`/guilds/${g.guildId}/voice-states/${g.member.id}`, { serverStreamOff: true }, g.owner.token);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual(expect.objectContaining({ serverStreamOff: true, serverVideoOff: false }));
    await streamGone;
    await waitFor('LiveKit to drop the screen share', async () =>
      (await liveSources(g.a, g.member.id)).includes(TrackSource.SCREEN_SHARE) ? undefined : true,
    );
    expect(await liveSources(g.a, g.member.id)).toContain(TrackSource.CAMERA);
    await waitFor('the voice state to show the stream stopped', async () => {
      const s = await stateOf(g.member.id);
      return s && !s.selfStream && s.serverStreamOff && s.selfVideo ? s : undefined;
    });

    expect(await publishOutcome(bot.publishVideo('screen_share', 'sneaky'))).toBe('refused');
    expect(await liveSources(g.a, g.member.id)).not.toContain(TrackSource.SCREEN_SHARE);

    const audit = await server.api.get(`/guilds/${g.guildId}/audit-log?action=voice.stream_off`, g.owner.token);
    expect(audit.body.items).toEqual([expect.objectContaining({ action: 'voice.stream_off', actorId: g.owner.id, targetId: g.member.id })]);
  });

  it('when a moderator stops the video, then the live camera is dropped and selfVideo goes false; allowing it again lets a camera back in', async () => {
    const bot = bots.at(-1);
    if (!bot) throw new Error('the publishing test must run first');
    const videoGone = update(g.member.id, (p) => p.channelId === g.a && !p.selfVideo);
    const res = await server.api.patch(`/guilds/${g.guildId}/voice-states/${g.member.id}`, { serverVideoOff: true }, g.owner.token);
    expect(res.body).toEqual(expect.objectContaining({ serverStreamOff: true, serverVideoOff: true }));
    await videoGone;
    await waitFor('LiveKit to drop the camera', async () =>
      (await liveSources(g.a, g.member.id)).includes(TrackSource.CAMERA) ? undefined : true,
    );
    expect(await stateOf(g.member.id)).toEqual(expect.objectContaining({ selfVideo: false, selfStream: false, serverVideoOff: true }));

    const allowed = await server.api.patch(`/guilds/${g.guildId}/voice-states/${g.member.id}`, { serverVideoOff: false }, g.owner.token);
    expect(allowed.body).toEqual(expect.objectContaining({ serverVideoOff: false }));
    const videoBack = update(g.member.id, (p) => p.channelId === g.a && p.selfVideo);
    await bot.publishVideo('camera', 'camera-again');
    await videoBack;
    expect(await liveSources(g.a, g.member.id)).toContain(TrackSource.CAMERA);
  });

  it("when a member without MUTE_MEMBERS stops the owner's stream, then 403", async () => {
    const res = await server.api.patch(`/guilds/${g.guildId}/voice-states/${g.owner.id}`, { serverStreamOff: true }, g.member.token);
    expect(res.status).toBe(403);
  });
});
