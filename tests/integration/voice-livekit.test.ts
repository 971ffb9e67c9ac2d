/**
 * Voice against the real test stack: livekit-server 1.13.5 (which posts its signed webhooks to this in-process server
 * on the webhook port), FerretDB, Redis; rtc-node bots as participants, socket.io-client as the other member's app.
 */
import { createHash } from 'node:crypto';
import { SignJWT, decodeJwt } from 'jose';
import { AccessToken, TrackSource } from 'livekit-server-sdk';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VoiceJoinResponse, VoiceMoveEvent, VoiceStateUpdateEvent, voiceRoomName } from '@shared/api/voice';
import { Permission } from '@shared/permissions/permissions';
import { collect, connectGateway, nextEvent, registerUser, type TestServer } from './server-helpers';
import { Bot, createVoiceGuild, env, roomService, startServerOn, waitFor, type VoiceGuild } from './voice-support';

let server: TestServer;
let g: VoiceGuild;
let ownerGateway: Socket;
let memberGateway: Socket;
const bots: Bot[] = [];
const livekit = roomService();

async function join(channelId: string, token: string, body?: unknown): Promise<VoiceJoinResponse> {
  const res = await server.api.post(`/channels/${channelId}/voice/join`, body, token);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return VoiceJoinResponse.parse(res.body);
}

async function newBot(): Promise<Bot> {
  const bot = new Bot();
  bots.push(bot);
  return bot;
}

async function participants(channelId: string) {
  return livekit.listParticipants(voiceRoomName(channelId)).catch(() => []);
}

const isVoiceUpdate = (userId: string, channelId: string | null) => (p: VoiceStateUpdateEvent) =>
  p.userId === userId && p.channelId === channelId;

beforeAll(async () => {
  server = await startServerOn(env.apiPort);
  g = await createVoiceGuild(server.api);
  ownerGateway = connectGateway(server.url, g.owner.token);
  memberGateway = connectGateway(server.url, g.member.token);
  // Generous: the machine is shared by several test runs.
  await Promise.all([nextEvent(ownerGateway, 'READY', () => true, 20_000), nextEvent(memberGateway, 'READY', () => true, 20_000)]);
});

afterAll(async () => {
  for (const bot of bots) await bot.close();
  // No rtc-node dispose(): files share one worker (vitest.config.ts), where rtc-node cannot start again once disposed.
  ownerGateway?.disconnect();
  memberGateway?.disconnect();
  await server?.stop();
});

describe('voice join', () => {
  it('when a member joins voice, then livekit-server accepts the token, the bot publishes, and the other member sees the voice state', async () => {
    const res = await join(g.a, g.member.token);
    expect(res.room).toBe(voiceRoomName(g.a));
    expect(res.url).toBe(env.livekitPublicUrl);

    const seen = nextEvent<VoiceStateUpdateEvent>(ownerGateway, 'VOICE_STATE_UPDATE', isVoiceUpdate(g.member.id, g.a), 10_000);
    const bot = await newBot();
    await bot.connect(res.url, res.token);
    const connectedAt = Date.now();
    expect(bot.room.name).toBe(voiceRoomName(g.a));
    await bot.publishTone();

    const event = VoiceStateUpdateEvent.parse(await seen);
    const latencyMs = Date.now() - connectedAt;
    console.info(`[voice] join → VOICE_STATE_UPDATE on the other member's gateway: ${latencyMs} ms`);
    expect(event).toEqual(
      expect.objectContaining({ guildId: g.guildId, userId: g.member.id, channelId: g.a, serverMute: false, selfMute: false }),
    );
    // How soon is logged above, not asserted: tests never assert on wall-clock time (a loaded 2-core CI machine is
    // not a benchmark).

    const live = await waitFor('the tone track in LiveKit', async () => {
      const p = (await participants(g.a)).find((x) => x.identity === g.member.id);
      return p && p.tracks.some((t) => t.source === TrackSource.MICROPHONE && !t.muted) ? p : undefined;
    });
    expect(live.name).not.toBe('');

    const listed = await server.api.get(`/guilds/${g.guildId}/voice-states`, g.owner.token);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ userId: g.member.id, channelId: g.a })]);

    // A client connecting now gets the same state in its READY snapshot.
    const late = connectGateway(server.url, g.owner.token);
    try {
      const ready = await nextEvent<{ guilds: { guild: { id: string }; voiceStates: unknown[] }[] }>(late, 'READY', () => true, 20_000);
      const snapshot = ready.guilds.find((x) => x.guild.id === g.guildId);
      expect(snapshot?.voiceStates).toEqual([expect.objectContaining({ userId: g.member.id, channelId: g.a })]);
    } finally {
      late.disconnect();
    }
  });

  it('when the token is decoded, then it grants joining only that room, microphone, camera and screen share (@everyone has SPEAK, VIDEO, STREAM), nothing administrative, for about a minute', async () => {
    const res = await join(g.a, g.member.token);
    const claims = decodeJwt(res.token) as { sub?: string; exp?: number; nbf?: number; video?: Record<string, unknown> };
    expect(claims.sub).toBe(g.member.id);
    expect((claims.exp ?? 0) - (claims.nbf ?? 0)).toBeLessThanOrEqual(60);
    expect(claims.video).toEqual(
      expect.objectContaining({
        room: voiceRoomName(g.a),
        roomJoin: true,
        canPublishSources: ['microphone', 'camera', 'screen_share', 'screen_share_audio'],
        canPublishData: false,
        roomAdmin: false,
        roomCreate: false,
        roomList: false,
        roomRecord: false,
        recorder: false,
      }),
    );
  });

  it('when a token for channel A is rewritten to name room B, then livekit-server refuses it and nobody appears in B', async () => {
    const res = await join(g.a, g.owner.token);
    const [header, payload, signature] = res.token.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as { video: { room: string } };
    claims.video.room = voiceRoomName(g.b);
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    const bot = await newBot();
    await expect(bot.connect(res.url, forged)).rejects.toThrow();
    expect((await participants(g.b)).map((p) => p.identity)).not.toContain(g.owner.id);
    // The genuine token only ever lands in A.
    const honest = await newBot();
    const arrived = nextEvent<VoiceStateUpdateEvent>(ownerGateway, 'VOICE_STATE_UPDATE', isVoiceUpdate(g.owner.id, g.a), 10_000);
    await honest.connect(res.url, res.token);
    expect(honest.room.name).toBe(voiceRoomName(g.a));
    expect((await participants(g.b)).map((p) => p.identity)).not.toContain(g.owner.id);
    await arrived;
    const left = nextEvent<VoiceStateUpdateEvent>(ownerGateway, 'VOICE_STATE_UPDATE', isVoiceUpdate(g.owner.id, null), 10_000);
    await honest.close();
    await left;
  });

  it('when a token is signed by anyone but our server, then livekit-server refuses it', async () => {
    const token = new AccessToken(env.livekitApiKey, 'not-the-secret-not-the-secret-not-the-secret', { identity: g.member.id, ttl: 60 });
    token.addGrant({ roomJoin: true, room: voiceRoomName(g.b) });
    const bot = await newBot();
    await expect(bot.connect(env.livekitPublicUrl, await token.toJwt())).rejects.toThrow();
  });

  it('when a member without access asks for a token, then 404 for another guild or a hidden channel, 403 without CONNECT', async () => {
    const stranger = await createVoiceGuild(server.api);
    const other = await server.api.post(`/channels/${g.a}/voice/join`, undefined, stranger.member.token);
    expect([other.status, other.body.error?.code]).toEqual([404, 'NOT_FOUND']);

    const channel = async (deny: number) => {
      const overwrites = [{ id: g.guildId, type: 'role', allow: 0, deny }];
      const res = await server.api.post(
        `/guilds/${g.guildId}/channels`,
        { type: 'voice', name: `restricted-${deny}`, overwrites },
        g.owner.token,
      );
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as string;
    };
    const hidden = await server.api.post(`/channels/${await channel(Permission.VIEW_CHANNEL)}/voice/join`, undefined, g.member.token);
    expect([hidden.status, hidden.body.error?.code]).toEqual([404, 'NOT_FOUND']);
    const noConnect = await server.api.post(`/channels/${await channel(Permission.CONNECT)}/voice/join`, undefined, g.member.token);
    expect([noConnect.status, noConnect.body.error?.code]).toEqual([403, 'FORBIDDEN']);
    const textChannel = await server.api.post(`/guilds/${g.guildId}/channels`, { type: 'text', name: 'chat' }, g.owner.token);
    const wrongType = await server.api.post(`/channels/${textChannel.body.id}/voice/join`, undefined, g.member.token);
    expect([wrongType.status, wrongType.body.error?.code]).toEqual([400, 'WRONG_CHANNEL_TYPE']);
  });

  it('when a voice channel is at its user limit, then a member gets CHANNEL_FULL while the owner (MOVE_MEMBERS) still gets in', async () => {
    const res = await server.api.post(`/guilds/${g.guildId}/channels`, { type: 'voice', name: 'tiny', userLimit: 1 }, g.owner.token);
    const tiny = res.body.id as string;
    const owner = await join(tiny, g.owner.token);
    const arrived = nextEvent<VoiceStateUpdateEvent>(ownerGateway, 'VOICE_STATE_UPDATE', isVoiceUpdate(g.owner.id, tiny), 10_000);
    const bot = await newBot();
    await bot.connect(owner.url, owner.token);
    await arrived;
    const full = await server.api.post(`/channels/${tiny}/voice/join`, undefined, g.member.token);
    expect([full.status, full.body.error?.code]).toEqual([403, 'CHANNEL_FULL']);
    const left = nextEvent<VoiceStateUpdateEvent>(ownerGateway, 'VOICE_STATE_UPDATE', isVoiceUpdate(g.owner.id, null), 10_000);
    await bot.close();
    await left;
  });
});

describe('user limit race', () => {
  it('when two members ask for the last place before either connects, then the second is told CHANNEL_FULL at once and only the first is ever in the room', async () => {
    const res = await server.api.post(`/guilds/${g.guildId}/channels`, { type: 'voice', name: 'duo', userLimit: 1 }, g.owner.token);
    const duo = res.body.id as string;
    // Two fresh plain members (the owner has MOVE_MEMBERS and is exempt; the shared member's bot is used later).
    const invite = await server.api.post(`/guilds/${g.guildId}/invites`, {}, g.owner.token);
    const [racer, second] = [await registerUser(server.api, 'racer'), await registerUser(server.api, 'racer')];
    for (const u of [racer, second]) expect((await server.api.post(`/invites/${invite.body.code}`, undefined, u.token)).status).toBe(200);
    // The seat is claimed with the token, so the race is decided before anyone connects (it used to be decided after,
    // by removing the later connection).
    const first = await join(duo, racer.token);
    const late = await server.api.post(`/channels/${duo}/voice/join`, undefined, second.token);
    expect([late.status, late.body.error?.code]).toEqual([403, 'CHANNEL_FULL']);
    const arrived = nextEvent<VoiceStateUpdateEvent>(ownerGateway, 'VOICE_STATE_UPDATE', isVoiceUpdate(racer.id, duo), 10_000);
    const firstBot = await newBot();
    await firstBot.connect(first.url, first.token);
    try {
      await arrived;
      expect((await participants(duo)).map((p) => p.identity)).toEqual([racer.id]);
      const states = await server.api.get(`/guilds/${g.guildId}/voice-states`, g.owner.token);
      expect(states.body.items.filter((s: { channelId: string }) => s.channelId === duo).map((s: { userId: string }) => s.userId)).toEqual([
        racer.id,
      ]);
    } finally {
      const left = nextEvent<VoiceStateUpdateEvent>(ownerGateway, 'VOICE_STATE_UPDATE', isVoiceUpdate(racer.id, null), 10_000);
      await firstBot.close();
      await left;
    }
  });

  it('when a user in a hidden voice channel starts a second session in a visible one, then members who cannot view it never learn of it', async () => {
    const overwrites = [{ id: g.guildId, type: 'role', allow: 0, deny: Permission.VIEW_CHANNEL }];
    const hidden = (await server.api.post(`/guilds/${g.guildId}/channels`, { type: 'voice', name: 'backroom', overwrites }, g.owner.token))
      .body.id as string;
    const open = (await server.api.post(`/guilds/${g.guildId}/channels`, { type: 'voice', name: 'hall' }, g.owner.token)).body.id as string;
    // Both tokens before either connects: the second join cannot end a session that does not exist yet, so the
    // server only learns of the switch from LiveKit (a second client, or two joins racing).
    const [inHidden, inOpen] = [await join(hidden, g.owner.token), await join(open, g.owner.token)];
    const memberSaw = collect<VoiceStateUpdateEvent>(memberGateway, 'VOICE_STATE_UPDATE');
    const ownerSaw = nextEvent<VoiceStateUpdateEvent>(ownerGateway, 'VOICE_STATE_UPDATE', isVoiceUpdate(g.owner.id, hidden), 10_000);
    const first = await newBot();
    await first.connect(inHidden.url, inHidden.token);
    await ownerSaw;
    const listed = await server.api.get(`/guilds/${g.guildId}/voice-states`, g.member.token);
    expect(listed.body.items.map((v: { channelId: string }) => v.channelId)).not.toContain(hidden);

    const arrived = nextEvent<VoiceStateUpdateEvent>(memberGateway, 'VOICE_STATE_UPDATE', isVoiceUpdate(g.owner.id, open), 10_000);
    const second = await newBot();
    await second.connect(inOpen.url, inOpen.token);
    expect((await arrived).previousChannelId).toBeNull();
    // The old session is ended and its participant removed; nothing the member received names the hidden channel.
    await waitFor(
      'LiveKit to drop the older session',
      async () => ((await participants(hidden)).some((p) => p.identity === g.owner.id) ? undefined : true),
      15_000,
    );
    expect(JSON.stringify(memberSaw)).not.toContain(hidden);

    // Leave voice again: the tests after this one expect the owner out of voice.
    await second.close();
    await waitFor(
      'the owner to leave voice',
      async () => {
        const states = await server.api.get(`/guilds/${g.guildId}/voice-states`, g.owner.token);
        return states.body.items.some((v: { userId: string }) => v.userId === g.owner.id) ? undefined : true;
      },
      15_000,
    );
  });
});

describe('moderation', () => {
  it('when a moderator server-mutes a member, then LiveKit removes their microphone and they cannot publish again', async () => {
    const bot = bots[0];
    if (!bot) throw new Error('the join test must run first');
    const muted = nextEvent<VoiceStateUpdateEvent>(
      ownerGateway,
      'VOICE_STATE_UPDATE',
      (p) => p.userId === g.member.id && p.serverMute,
      5_000,
    );
    const res = await server.api.patch(`/guilds/${g.guildId}/voice-states/${g.member.id}`, { serverMute: true }, g.owner.token);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      guildId: g.guildId,
      userId: g.member.id,
      serverMute: true,
      serverDeaf: false,
      serverVideoOff: false,
      serverStreamOff: false,
    });
    expect((await muted).channelId).toBe(g.a);

    const noMic = (p: { tracks: { source: TrackSource; muted: boolean }[] }) =>
      !p.tracks.some((t) => t.source === TrackSource.MICROPHONE && !t.muted);
    const after = await waitFor('LiveKit to revoke publishing', async () => {
      const p = (await participants(g.a)).find((x) => x.identity === g.member.id);
      // Camera and screen share stay allowed (@everyone has VIDEO and STREAM): only the microphone leaves the sources.
      return p && p.permission && !p.permission.canPublishSources.includes(TrackSource.MICROPHONE) && noMic(p) ? p : undefined;
    });
    expect(after.permission?.canSubscribe).toBe(true);

    // Try to publish anyway: LiveKit refuses it (or drops it at once), so it still reports no live microphone.
    await Promise.race([bot.publishTone('sneaky').catch(() => undefined), new Promise((r) => setTimeout(r, 3_000))]);
    const p = (await participants(g.a)).find((x) => x.identity === g.member.id);
    expect(p).toBeDefined();
    expect(p && noMic(p)).toBe(true);

    // The next token reflects the mute too.
    const next = await join(g.a, g.member.token);
    expect((decodeJwt(next.token) as { video?: { canPublishSources?: string[] } }).video?.canPublishSources).toEqual([
      'camera',
      'screen_share',
      'screen_share_audio',
    ]);

    const audit = await server.api.get(`/guilds/${g.guildId}/audit-log?action=voice.mute`, g.owner.token);
    expect(audit.body.items).toEqual([expect.objectContaining({ action: 'voice.mute', actorId: g.owner.id, targetId: g.member.id })]);
  });

  it('when a moderator server-deafens a member, then LiveKit revokes their subscriptions; undeafening restores them', async () => {
    const member = async () => (await participants(g.a)).find((x) => x.identity === g.member.id);
    const deaf = await server.api.patch(`/guilds/${g.guildId}/voice-states/${g.member.id}`, { serverDeaf: true }, g.owner.token);
    expect(deaf.body).toEqual(expect.objectContaining({ serverMute: true, serverDeaf: true }));
    await waitFor('LiveKit to revoke subscribe', async () => ((await member())?.permission?.canSubscribe === false ? true : undefined));
    const undeaf = await server.api.patch(`/guilds/${g.guildId}/voice-states/${g.member.id}`, { serverDeaf: false }, g.owner.token);
    expect(undeaf.body).toEqual(expect.objectContaining({ serverMute: true, serverDeaf: false }));
    const p = await waitFor('LiveKit to restore subscribe', async () => {
      const x = await member();
      return x?.permission?.canSubscribe === true ? x : undefined;
    });
    // Still server-muted: undeafen must not hand the microphone back.
    expect(p.permission?.canPublishSources).not.toContain(TrackSource.MICROPHONE);
    const audit = await server.api.get(`/guilds/${g.guildId}/audit-log`, g.owner.token);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['voice.deafen', 'voice.undeafen']));
  });

  it('when a member without MUTE_MEMBERS tries to mute the owner, then 403 and nothing changes', async () => {
    const res = await server.api.patch(`/guilds/${g.guildId}/voice-states/${g.owner.id}`, { serverMute: true }, g.member.token);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });

  it('when a moderator moves a member, then the member gets VOICE_MOVE with a token for the new room and is removed from the old one', async () => {
    const bot = bots[0];
    if (!bot) throw new Error('the join test must run first');
    const moved = nextEvent<VoiceMoveEvent>(memberGateway, 'VOICE_MOVE', () => true, 5_000);
    const res = await server.api.patch(`/guilds/${g.guildId}/voice-states/${g.member.id}`, { channelId: g.b }, g.owner.token);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const move = VoiceMoveEvent.parse(await moved);
    expect(move).toEqual(expect.objectContaining({ channelId: g.b, fromChannelId: g.a, room: voiceRoomName(g.b), movedBy: g.owner.id }));
    await waitFor('the member to leave room A', async () =>
      (await participants(g.a)).some((p) => p.identity === g.member.id) ? undefined : true,
    );

    const arrived = nextEvent<VoiceStateUpdateEvent>(ownerGateway, 'VOICE_STATE_UPDATE', isVoiceUpdate(g.member.id, g.b), 10_000);
    const next = await newBot();
    await next.connect(move.url, move.token);
    expect(next.room.name).toBe(voiceRoomName(g.b));
    expect((await arrived).previousChannelId).toBeNull();
    const audit = await server.api.get(`/guilds/${g.guildId}/audit-log?action=voice.move`, g.owner.token);
    expect(audit.body.items).toHaveLength(1);
  });

  it('when a member in one channel asks to join another, then the server removes them from the first room', async () => {
    const inB = bots.at(-1);
    if (!inB) throw new Error('the move test must run first');
    const left = nextEvent<VoiceStateUpdateEvent>(ownerGateway, 'VOICE_STATE_UPDATE', isVoiceUpdate(g.member.id, null), 10_000);
    await join(g.c, g.member.token);
    expect((await left).previousChannelId).toBe(g.b);
    await waitFor('the member to leave room B', async () =>
      (await participants(g.b)).some((p) => p.identity === g.member.id) ? undefined : true,
    );
    await waitFor('the bot to notice', async () => (inB.disconnected ? true : undefined));
  });

  it('when a moderator disconnects a member, then LiveKit drops them and everyone sees them leave', async () => {
    const res = await join(g.c, g.member.token);
    const arrived = nextEvent<VoiceStateUpdateEvent>(ownerGateway, 'VOICE_STATE_UPDATE', isVoiceUpdate(g.member.id, g.c), 10_000);
    const bot = await newBot();
    await bot.connect(res.url, res.token);
    await arrived;
    const left = nextEvent<VoiceStateUpdateEvent>(ownerGateway, 'VOICE_STATE_UPDATE', isVoiceUpdate(g.member.id, null), 10_000);
    const del = await server.api.del(`/guilds/${g.guildId}/voice-states/${g.member.id}`, g.owner.token);
    expect(del.status).toBe(204);
    expect((await left).previousChannelId).toBe(g.c);
    await waitFor('LiveKit to drop the member', async () =>
      (await participants(g.c)).some((p) => p.identity === g.member.id) ? undefined : true,
    );
    const listed = await server.api.get(`/guilds/${g.guildId}/voice-states`, g.owner.token);
    expect(listed.body.items).toEqual([]);
  });
});

describe('webhook endpoint', () => {
  const body = () =>
    JSON.stringify({
      event: 'participant_joined',
      id: `EV_forged_${Date.now()}`,
      createdAt: String(Math.floor(Date.now() / 1000)),
      room: { name: voiceRoomName(g.a) },
      participant: { sid: `PA_forged_${Date.now()}`, identity: g.owner.id, joinedAtMs: String(Date.now()) },
    });
  const sha = (b: string) => createHash('sha256').update(b).digest('base64');
  const post = (raw: string, authorization?: string) =>
    server.api.request('post', '/livekit/webhook', {
      rawBody: raw,
      contentType: 'application/webhook+json',
      headers: authorization ? { authorization } : {},
    });

  it('when a webhook is forged, unsigned, tampered or expired, then 401 with the error body and the owner never appears in voice', async () => {
    const events = collect<VoiceStateUpdateEvent>(ownerGateway, 'VOICE_STATE_UPDATE');
    const raw = body();
    const forged = new AccessToken(env.livekitApiKey, 'x'.repeat(40), { ttl: '5m' });
    forged.sha256 = sha(raw);
    const genuine = new AccessToken(env.livekitApiKey, env.livekitApiSecret, { ttl: '5m' });
    genuine.sha256 = sha(raw);
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ sha256: sha(raw) })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(env.livekitApiKey)
      .setNotBefore(now - 900)
      .setExpirationTime(now - 600)
      .sign(new TextEncoder().encode(env.livekitApiSecret));

    for (const [raw2, auth] of [
      [raw, await forged.toJwt()],
      [raw, undefined],
      [raw.replace(g.owner.id, g.member.id), await genuine.toJwt()],
      [raw, expired],
    ] as const) {
      const res = await post(raw2, auth);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHENTICATED');
      expect(typeof res.body.error.requestId).toBe('string');
    }
    const listed = await server.api.get(`/guilds/${g.guildId}/voice-states`, g.owner.token);
    expect(listed.body.items.map((s: { userId: string }) => s.userId)).not.toContain(g.owner.id);
    expect(events.filter((e) => e.userId === g.owner.id)).toEqual([]);
  });
});

describe('bad input', () => {
  it('when voice routes get malformed ids, unknown fields, wrong types or operators, then 400 VALIDATION_FAILED and nothing is written', async () => {
    const before = await server.api.get(`/guilds/${g.guildId}/voice-states`, g.owner.token);
    const cases: [string, string, unknown][] = [
      ['post', '/channels/not-an-id/voice/join', undefined],
      ['post', `/channels/${g.a}/voice/join`, { selfMute: 'yes' }],
      ['post', `/channels/${g.a}/voice/join`, { extra: true }],
      ['post', `/channels/${g.a}/voice/join`, { selfMute: { $ne: false } }],
      ['patch', '/voice/state', {}],
      ['patch', '/voice/state', { selfMute: true, serverMute: false }],
      ['patch', '/voice/state', { watching: ['not-an-id'] }],
      ['patch', '/voice/state', { watching: [g.owner.id, g.owner.id] }],
      ['patch', '/voice/state', { watching: Array.from({ length: 26 }, (_, i) => i.toString(16).padStart(24, '0')) }],
      ['patch', '/voice/state', { watching: g.owner.id }],
      ['patch', `/guilds/${g.guildId}/voice-states/${g.member.id}`, {}],
      ['patch', `/guilds/${g.guildId}/voice-states/${g.member.id}`, { serverMute: 1 }],
      ['patch', `/guilds/${g.guildId}/voice-states/${g.member.id}`, { channelId: { $gt: '' } }],
      ['patch', `/guilds/${g.guildId}/voice-states/nope`, { serverMute: true }],
      ['delete', `/guilds/${g.guildId}/voice-states/${g.member.id}x`, undefined],
    ];
    for (const [method, path, body] of cases) {
      const res = await server.api.request(method, path, { body, token: g.owner.token });
      expect([method, path, res.status, res.body?.error?.code]).toEqual([method, path, 400, 'VALIDATION_FAILED']);
    }
    const unauthenticated = await server.api.post(`/channels/${g.a}/voice/join`, undefined);
    expect([unauthenticated.status, unauthenticated.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
    const after = await server.api.get(`/guilds/${g.guildId}/voice-states`, g.owner.token);
    expect(after.body).toEqual(before.body);
    const moderation = await server.api.get(`/guilds/${g.guildId}/audit-log?action=voice.unmute`, g.owner.token);
    expect(moderation.body.items).toEqual([]);
  });

  it('when the OpenAPI document is generated, then it lists every voice route', async () => {
    const doc = await server.api.get('/openapi.json');
    const paths = Object.keys(doc.body.paths ?? {});
    for (const path of [
      '/channels/{channelId}/voice/join',
      '/voice/leave',
      '/voice/state',
      '/guilds/{guildId}/voice-states',
      '/guilds/{guildId}/voice-states/{userId}',
    ]) {
      expect(paths).toContain(path);
    }
  });
});
