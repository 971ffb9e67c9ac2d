/**
 * Temporary voice channels, the server-wide participant cap, the token lifetime and channel deletion, on the real test
 * stack: livekit-server 1.13.5 posting its webhooks to this in-process server, FerretDB, Redis, rtc-node bots.
 */
import { decodeJwt } from 'jose';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Channel } from '@shared/api/channels';
import type { VoiceStateUpdateEvent } from '@shared/api/voice';
import { VoiceJoinResponse, voiceRoomName } from '@shared/api/voice';
import { Permission } from '@shared/permissions/permissions';
import { connectGateway, nextEvent, registerUser, type TestServer, type TestUser } from './server-helpers';
import { Bot, createVoiceGuild, env, roomService, startServerOn, waitFor, type VoiceGuild } from './voice-support';

const CAP = 3;
const TTL_SECONDS = 20;

let server: TestServer;
let g: VoiceGuild;
let third: TestUser;
let fourth: TestUser;
let lobby: string;
let ownerGateway: Socket;
const bots: Bot[] = [];
const livekit = roomService();

async function joinRaw(channelId: string, token: string) {
  return server.api.post(`/channels/${channelId}/voice/join`, undefined, token);
}

async function join(channelId: string, token: string): Promise<VoiceJoinResponse> {
  const res = await joinRaw(channelId, token);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return VoiceJoinResponse.parse(res.body);
}

async function connectBot(grant: VoiceJoinResponse): Promise<Bot> {
  const bot = new Bot();
  bots.push(bot);
  await bot.connect(grant.url, grant.token);
  return bot;
}

async function channels(): Promise<Channel[]> {
  const res = await server.api.get(`/guilds/${g.guildId}/channels`, g.owner.token);
  expect(res.status).toBe(200);
  return (res.body.items as unknown[]).map((c) => Channel.parse(c));
}

async function addMember(): Promise<TestUser> {
  const user = await registerUser(server.api, 'extra');
  const invite = await server.api.post(`/guilds/${g.guildId}/invites`, {}, g.owner.token);
  const accepted = await server.api.post(`/invites/${invite.body.code}`, undefined, user.token);
  expect(accepted.status).toBe(200);
  return user;
}

async function gone(channelId: string): Promise<void> {
  await waitFor(
    `channel ${channelId} to be deleted`,
    async () => ((await channels()).some((c) => c.id === channelId) ? undefined : true),
    30_000,
  );
}

beforeAll(async () => {
  server = await startServerOn(env.apiPort, { VOICE_MAX_PARTICIPANTS: String(CAP), VOICE_TOKEN_TTL_SECONDS: String(TTL_SECONDS) });
  g = await createVoiceGuild(server.api);
  third = await addMember();
  fourth = await addMember();
  const created = await server.api.post(
    `/guilds/${g.guildId}/channels`,
    { type: 'voice', name: 'Join to create', joinToCreate: true },
    g.owner.token,
  );
  expect(created.status).toBe(201);
  expect(created.body.joinToCreate).toBe(true);
  lobby = created.body.id;
  ownerGateway = connectGateway(server.url, g.owner.token);
  await nextEvent(ownerGateway, 'READY', () => true, 20_000);
});

afterAll(async () => {
  for (const bot of bots) await bot.close();
  // No rtc-node dispose(): files share one worker (vitest.config.ts), where rtc-node cannot start again once disposed.
  ownerGateway?.disconnect();
  await server?.stop();
});

describe('join to create', () => {
  it('when a text channel or a member without MANAGE_CHANNELS sets joinToCreate, then it is refused', async () => {
    const text = await server.api.post(`/guilds/${g.guildId}/channels`, { type: 'text', name: 'chat', joinToCreate: true }, g.owner.token);
    expect(text.status).toBe(400);
    expect(text.body.error.code).toBe('WRONG_CHANNEL_TYPE');
    const denied = await server.api.patch(`/channels/${g.a}`, { joinToCreate: true }, g.member.token);
    expect(denied.status).toBe(403);
    const stored = (await channels()).find((c) => c.id === g.a);
    expect(stored?.joinToCreate).toBe(false);
  });

  it('when a member joins the join-to-create channel, then they get their own channel next to it, manage it, and it vanishes once their bot leaves', async () => {
    const announced = nextEvent(ownerGateway, 'CHANNEL_CREATE', (c: Channel) => c.tempOwnerId === g.member.id, 10_000);
    const grant = await join(lobby, g.member.token);
    expect(grant.channelId).not.toBe(lobby);
    expect(grant.room).toBe(voiceRoomName(grant.channelId));
    const temp = Channel.parse(await announced);
    expect(temp.id).toBe(grant.channelId);
    const all = await channels();
    const lobbyChannel = all.find((c) => c.id === lobby);
    const listed = all.find((c) => c.id === grant.channelId);
    expect(listed).toEqual(
      expect.objectContaining({ type: 'voice', tempOwnerId: g.member.id, joinToCreate: false, parentId: lobbyChannel?.parentId }),
    );
    expect(listed?.name).toMatch(/'s channel$/);
    const own = listed?.overwrites.find((o) => o.id === g.member.id);
    for (const bit of [Permission.MANAGE_CHANNELS, Permission.MOVE_MEMBERS, Permission.MUTE_MEMBERS, Permission.CONNECT])
      expect((own?.allow ?? 0) & bit).toBe(bit);

    // Theirs to manage: rename and limit. Someone else may not; nor may it become a join-to-create channel.
    const renamed = await server.api.patch(`/channels/${grant.channelId}`, { name: 'Quiet corner', userLimit: 5 }, g.member.token);
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(renamed.body).toEqual(expect.objectContaining({ name: 'Quiet corner', userLimit: 5 }));
    expect((await server.api.patch(`/channels/${grant.channelId}`, { name: 'mine' }, third.token)).status).toBe(403);
    expect((await server.api.patch(`/channels/${grant.channelId}`, { joinToCreate: true }, g.owner.token)).status).toBe(400);

    const joined = nextEvent<VoiceStateUpdateEvent>(
      ownerGateway,
      'VOICE_STATE_UPDATE',
      (e: VoiceStateUpdateEvent) => e.userId === g.member.id && e.channelId === grant.channelId,
      15_000,
    );
    const bot = await connectBot(grant);
    await joined;
    // Nobody is ever in the lobby itself.
    expect(await livekit.listParticipants(voiceRoomName(lobby)).catch(() => [])).toEqual([]);

    const deleted = nextEvent(ownerGateway, 'CHANNEL_DELETE', (e: { id: string }) => e.id === grant.channelId, 30_000);
    await bot.close();
    await deleted;
    await gone(grant.channelId);
    // A join straight into the deleted channel is a 404, not a token.
    expect((await joinRaw(grant.channelId, g.member.token)).status).toBe(404);
  });

  it("when someone joins a member's temporary channel, then its owner may server-mute them there and another member may not", async () => {
    const own = await join(lobby, g.member.token);
    const guest = await join(own.channelId, third.token);
    expect(guest.channelId).toBe(own.channelId);
    const [ownerBot, guestBot] = [await connectBot(own), await connectBot(guest)];
    await waitFor('both sessions recorded', async () => {
      const res = await server.api.get(`/guilds/${g.guildId}/voice-states`, g.owner.token);
      const here = (res.body.items as { channelId: string }[]).filter((s) => s.channelId === own.channelId);
      return here.length === 2 ? true : undefined;
    });
    const muted = await server.api.patch(`/guilds/${g.guildId}/voice-states/${third.id}`, { serverMute: true }, g.member.token);
    expect(muted.status, JSON.stringify(muted.body)).toBe(200);
    expect(muted.body.serverMute).toBe(true);
    expect((await server.api.patch(`/guilds/${g.guildId}/voice-states/${third.id}`, { serverMute: false }, fourth.token)).status).toBe(403);
    expect((await server.api.patch(`/guilds/${g.guildId}/voice-states/${third.id}`, { serverMute: false }, g.member.token)).status).toBe(
      200,
    );
    // Nobody is moved into a join-to-create channel.
    const moved = await server.api.patch(`/guilds/${g.guildId}/voice-states/${third.id}`, { channelId: lobby }, g.owner.token);
    expect(moved.status).toBe(400);
    // The owner leaving does not delete it while the guest is still there; the guest leaving does.
    await ownerBot.close();
    await waitFor('owner session ended', async () => {
      const res = await server.api.get(`/guilds/${g.guildId}/voice-states`, g.owner.token);
      return (res.body.items as { userId: string }[]).some((s) => s.userId === g.member.id) ? undefined : true;
    });
    expect((await channels()).some((c) => c.id === own.channelId)).toBe(true);
    await guestBot.close();
    await gone(own.channelId);
  });

  it('when a member leaves voice before ever connecting, then the channel made for them goes at once', async () => {
    const grant = await join(lobby, fourth.token);
    expect((await channels()).some((c) => c.id === grant.channelId)).toBe(true);
    expect((await server.api.post('/voice/leave', undefined, fourth.token)).status).toBe(204);
    expect((await channels()).some((c) => c.id === grant.channelId)).toBe(false);
  });

  it('when two members join at once, then each gets one channel of their own; one member joining twice at once gets one', async () => {
    const before = (await channels()).filter((c) => c.tempOwnerId).length;
    const [a, b, a2] = await Promise.all([join(lobby, third.token), join(lobby, fourth.token), join(lobby, third.token)]);
    expect(a.channelId).not.toBe(b.channelId);
    expect(a2.channelId).toBe(a.channelId);
    const temps = (await channels()).filter((c) => c.tempOwnerId);
    expect(temps.length).toBe(before + 2);
    expect(temps.find((c) => c.id === a.channelId)?.tempOwnerId).toBe(third.id);
    expect(temps.find((c) => c.id === b.channelId)?.tempOwnerId).toBe(fourth.id);

    // Both in and out again: both channels go, none is left behind.
    const [botA, botB] = [await connectBot(a), await connectBot(b)];
    await waitFor('both sessions recorded', async () => {
      const res = await server.api.get(`/guilds/${g.guildId}/voice-states`, g.owner.token);
      const ids = new Set((res.body.items as { channelId: string }[]).map((s) => s.channelId));
      return ids.has(a.channelId) && ids.has(b.channelId) ? true : undefined;
    });
    await Promise.all([botA.close(), botB.close()]);
    await gone(a.channelId);
    await gone(b.channelId);
  });

  it('when someone joins a temporary channel while its last participant leaves, then either the join is refused or the channel stays for them', async () => {
    const grant = await join(lobby, g.member.token);
    const bot = await connectBot(grant);
    await waitFor('session recorded', async () => {
      const res = await server.api.get(`/guilds/${g.guildId}/voice-states`, g.owner.token);
      return (res.body.items as { channelId: string }[]).some((s) => s.channelId === grant.channelId) ? true : undefined;
    });
    const [, racing] = await Promise.all([bot.close(), joinRaw(grant.channelId, third.token)]);
    if (racing.status === 404) {
      await gone(grant.channelId);
      return;
    }
    expect(racing.status).toBe(200);
    // The hold keeps the channel until the joiner connects (or the token expires); once connected they are in it.
    const second = await connectBot(VoiceJoinResponse.parse(racing.body));
    expect(second.room.name).toBe(voiceRoomName(grant.channelId));
    expect((await channels()).some((c) => c.id === grant.channelId)).toBe(true);
    await second.close();
    await gone(grant.channelId);
  });
});

describe('server-wide cap and token lifetime', () => {
  it('when a voice channel holds VOICE_MAX_PARTICIPANTS, then the next join is a 403 CHANNEL_FULL, even for the owner', async () => {
    await join(g.c, g.member.token);
    await join(g.c, third.token);
    await join(g.c, fourth.token);
    const full = await joinRaw(g.c, g.owner.token);
    expect(full.status).toBe(403);
    expect(full.body.error.code).toBe('CHANNEL_FULL');
    expect(full.body.error.message).toContain(String(CAP));
    // Leaving gives the place back.
    expect((await server.api.post('/voice/leave', undefined, fourth.token)).status).toBe(204);
    await join(g.c, g.owner.token);
  });

  it('when a token is issued, then it lives VOICE_TOKEN_TTL_SECONDS', async () => {
    const grant = await join(g.a, g.owner.token);
    const claims = decodeJwt(grant.token);
    expect((claims.exp ?? 0) - (claims.nbf ?? 0)).toBe(TTL_SECONDS);
    expect(new Date(grant.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(TTL_SECONDS * 1000);
    await server.api.post('/voice/leave', undefined, g.owner.token);
  });
});

describe('deleting a voice channel', () => {
  it('when a voice channel with people in it is deleted, then LiveKit disconnects them at once and their voice state ends', async () => {
    const grantA = await join(g.b, g.member.token);
    const grantB = await join(g.b, third.token);
    const [botA, botB] = [await connectBot(grantA), await connectBot(grantB)];
    await waitFor('two participants in LiveKit', async () =>
      (await livekit.listParticipants(voiceRoomName(g.b))).length === 2 ? true : undefined,
    );
    const left = nextEvent<VoiceStateUpdateEvent>(
      ownerGateway,
      'VOICE_STATE_UPDATE',
      (e: VoiceStateUpdateEvent) => e.userId === g.member.id && e.channelId === null && e.previousChannelId === g.b,
      15_000,
    );
    const res = await server.api.del(`/channels/${g.b}`, g.owner.token);
    expect(res.status).toBe(204);
    await left;
    await waitFor('both bots disconnected by LiveKit', async () => (botA.disconnected && botB.disconnected ? true : undefined), 15_000);
    expect(await livekit.listParticipants(voiceRoomName(g.b)).catch(() => [])).toEqual([]);
    const states = await server.api.get(`/guilds/${g.guildId}/voice-states`, g.owner.token);
    expect((states.body.items as { channelId: string }[]).some((s) => s.channelId === g.b)).toBe(false);
  });
});
