/**
 * Permission changes reach people already in voice, on the real stack. A LiveKit token is only checked when it
 * connects, so the server updates LiveKit's permission for everyone in the guild's voice channels when a channel's
 * overwrites, a role's permissions or a member's roles change (voice.module.ts, reconciler.enforceAccess). This server
 * reconciles on no interval (startServerOn sets VOICE_RECONCILE_INTERVAL_MS=0): only the change itself can act.
 */
import { TrackSource } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VoiceJoinResponse, voiceRoomName } from '@shared/api/voice';
import { Permission } from '@shared/permissions/permissions';
import { voiceOf } from '../../server/src/modules/voice/voice.module';
import type { TestServer } from './server-helpers';
import { Bot, createVoiceGuild, env, roomService, startServerOn, waitFor, type VoiceGuild } from './voice-support';

let server: TestServer;
let g: VoiceGuild;
const bots: Bot[] = [];
const livekit = roomService();

beforeAll(async () => {
  server = await startServerOn(env.apiPort);
  g = await createVoiceGuild(server.api);
});

afterAll(async () => {
  for (const bot of bots) await bot.close();
  // No rtc-node dispose(): files share one worker (vitest.config.ts), where rtc-node cannot start again once disposed.
  await server?.stop();
});

function voice() {
  const running = voiceOf(server.server.gateway.publisher);
  if (!running) throw new Error('voice module not running');
  return running;
}

async function connectedBot(channelId: string, token: string): Promise<Bot> {
  const res = await server.api.post(`/channels/${channelId}/voice/join`, {}, token);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const join = VoiceJoinResponse.parse(res.body);
  const bot = new Bot();
  bots.push(bot);
  await bot.connect(join.url, join.token);
  return bot;
}

/** LiveKit's own view of the member: the sources it lets them publish, and their live tracks' sources. */
async function live(channelId: string, identity: string) {
  const list = await livekit.listParticipants(voiceRoomName(channelId)).catch(() => []);
  const p = list.find((x) => x.identity === identity);
  if (!p) return undefined;
  const allowed = p.permission?.canPublish ? (p.permission.canPublishSources ?? []) : [];
  return { allowed, tracks: p.tracks.filter((t) => !t.muted).map((t) => t.source) };
}

const until = (what: string, check: (l: Awaited<ReturnType<typeof live>>) => boolean, channelId: string, identity: string) =>
  waitFor(what, async () => (check(await live(channelId, identity)) ? true : undefined), 15_000);

const setOverwrites = async (channelId: string, overwrites: { id: string; type: 'role' | 'member'; allow: number; deny: number }[]) => {
  const res = await server.api.patch(`/channels/${channelId}`, { overwrites }, g.owner.token);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
};

describe('permission changes while connected', () => {
  it("when a channel's overwrite takes SPEAK from a member who is talking, then LiveKit takes the microphone at once; lifting it gives it back", async () => {
    const bot = await connectedBot(g.a, g.member.token);
    await bot.publishTone();
    await until('the member to be heard', (l) => l?.tracks.includes(TrackSource.MICROPHONE) ?? false, g.a, g.member.id);
    // What the join token granted is what the rights in force say: a pass finds nothing to update (were LiveKit to
    // report a grant differently, every pass would update everyone again).
    await waitFor('the session to be recorded', async () => ((await voice().reconciler.reconcileOnce()).added === 0 ? true : undefined));
    expect((await voice().reconciler.enforceAccess(g.guildId)).rights).toBe(0);
    expect((await voice().reconciler.reconcileOnce()).rights).toBe(0);

    await setOverwrites(g.a, [{ id: g.member.id, type: 'member', allow: 0, deny: Permission.SPEAK }]);
    await until(
      'LiveKit to take the microphone',
      (l) => l !== undefined && !l.allowed.includes(TrackSource.MICROPHONE) && !l.tracks.includes(TrackSource.MICROPHONE),
      g.a,
      g.member.id,
    );
    // Still in the channel (losing SPEAK is not losing CONNECT), and still allowed the camera.
    expect(bot.disconnected).toBe(false);
    expect((await live(g.a, g.member.id))?.allowed).toContain(TrackSource.CAMERA);

    await setOverwrites(g.a, []);
    await until('LiveKit to give the microphone back', (l) => l?.allowed.includes(TrackSource.MICROPHONE) ?? false, g.a, g.member.id);
    await bot.close();
  });

  it('when a role that grants SPEAK in a channel is given to a member, then they may speak at once; taking it away silences them again', async () => {
    const role = await server.api.post(`/guilds/${g.guildId}/roles`, { name: 'Speakers', permissions: 0 }, g.owner.token);
    expect(role.status, JSON.stringify(role.body)).toBe(201);
    const roleId = role.body.id as string;
    // A stage-like channel: @everyone listens, the role speaks.
    await setOverwrites(g.b, [
      { id: g.guildId, type: 'role', allow: 0, deny: Permission.SPEAK },
      { id: roleId, type: 'role', allow: Permission.SPEAK, deny: 0 },
    ]);
    const bot = await connectedBot(g.b, g.member.token);
    await until('the member to be listed', (l) => l !== undefined, g.b, g.member.id);
    expect((await live(g.b, g.member.id))?.allowed).not.toContain(TrackSource.MICROPHONE);

    const given = await server.api.put(`/guilds/${g.guildId}/members/${g.member.id}/roles/${roleId}`, undefined, g.owner.token);
    expect(given.status, JSON.stringify(given.body)).toBe(204);
    await until('LiveKit to allow the microphone', (l) => l?.allowed.includes(TrackSource.MICROPHONE) ?? false, g.b, g.member.id);

    const taken = await server.api.del(`/guilds/${g.guildId}/members/${g.member.id}/roles/${roleId}`, g.owner.token);
    expect(taken.status, JSON.stringify(taken.body)).toBe(204);
    await until(
      'LiveKit to take the microphone again',
      (l) => l !== undefined && !l.allowed.includes(TrackSource.MICROPHONE),
      g.b,
      g.member.id,
    );
    expect(bot.disconnected).toBe(false);
    await bot.close();
  });

  it("when @everyone's role loses VIDEO while a member's camera is live, then LiveKit stops the camera; the microphone stays", async () => {
    const roles = await server.api.get(`/guilds/${g.guildId}/roles`, g.owner.token);
    const everyone = (roles.body.items as { id: string; permissions: string | number }[]).find((r) => r.id === g.guildId);
    expect(everyone).toBeDefined();
    const before = Number(everyone!.permissions);
    expect(before & Permission.VIDEO).toBe(Permission.VIDEO);
    const bot = await connectedBot(g.c, g.member.token);
    await bot.publishVideo('camera');
    await until('the camera to be live', (l) => l?.tracks.includes(TrackSource.CAMERA) ?? false, g.c, g.member.id);
    try {
      const res = await server.api.patch(
        `/guilds/${g.guildId}/roles/${g.guildId}`,
        { permissions: before & ~Permission.VIDEO },
        g.owner.token,
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      await until(
        'LiveKit to stop the camera',
        (l) => l !== undefined && !l.allowed.includes(TrackSource.CAMERA) && !l.tracks.includes(TrackSource.CAMERA),
        g.c,
        g.member.id,
      );
      expect((await live(g.c, g.member.id))?.allowed).toContain(TrackSource.MICROPHONE);
      expect(bot.disconnected).toBe(false);
    } finally {
      await server.api.patch(`/guilds/${g.guildId}/roles/${g.guildId}`, { permissions: before }, g.owner.token);
      await bot.close();
    }
  });

  it('when a member loses VIEW_CHANNEL on the channel they are in, then they are disconnected at once', async () => {
    const bot = await connectedBot(g.a, g.member.token);
    await until('the member to be listed', (l) => l !== undefined, g.a, g.member.id);
    await setOverwrites(g.a, [{ id: g.member.id, type: 'member', allow: 0, deny: Permission.VIEW_CHANNEL }]);
    try {
      await waitFor('the member to be disconnected', async () => (bot.disconnected ? true : undefined), 15_000);
      expect(await live(g.a, g.member.id)).toBeUndefined();
    } finally {
      await setOverwrites(g.a, []);
      await bot.close();
    }
  });
});
