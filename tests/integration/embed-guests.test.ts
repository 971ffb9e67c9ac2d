/**
 * The voice widget's guests as members see them, on the real stack (LiveKit's webhooks reach this in-process server):
 * a guest who connects appears in GET /guilds/:id/voice-guests, in VOICE_GUEST_UPDATE and in READY's voiceGuests,
 * never among the members' voice states; it goes when it leaves; a moderator with MOVE_MEMBERS can disconnect it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VoiceGuest } from '@shared/api/embed';
import { VoiceGuestList, VoiceGuestUpdateEvent } from '@shared/api/embed';
import { VoiceStateList } from '@shared/api/voice';
import { connectGateway, nextEvent, registerUser, type TestServer } from './server-helpers';
import { voiceRoomName } from '@shared/api/voice';
import { Permission } from '@shared/permissions/permissions';
import { Bot, createVoiceGuild, env, roomService, startServerOn, waitFor, type VoiceGuild } from './voice-support';

let server: TestServer;
let g: VoiceGuild;
const bots: Bot[] = [];

beforeAll(async () => {
  server = await startServerOn(env.apiPort);
  g = await createVoiceGuild(server.api);
  const on = await server.api.patch(
    `/guilds/${g.guildId}/embed-settings`,
    { guestAccess: 'listen', allowedOrigins: ['https://example.com'] },
    g.owner.token,
  );
  expect(on.status).toBe(200);
});

afterAll(async () => {
  for (const bot of bots) await bot.close();
  // No rtc-node dispose(): files share one worker (vitest.config.ts), where rtc-node cannot start again once disposed.
  await server?.stop();
});

/** A guest of the widget in channel `channelId`: its token from the route, connected with rtc-node. */
async function guestIn(channelId: string): Promise<{ bot: Bot; identity: string }> {
  const grant = await server.api.post(`/embed/voice/${channelId}/guest-token`);
  expect(grant.status).toBe(201);
  const bot = new Bot();
  bots.push(bot);
  await bot.connect(grant.body.url, grant.body.token);
  return { bot, identity: grant.body.identity as string };
}

const guestsSeenBy = async (token: string): Promise<VoiceGuest[]> => {
  const res = await server.api.get(`/guilds/${g.guildId}/voice-guests`, token);
  expect(res.status).toBe(200);
  return VoiceGuestList.parse(res.body).items;
};

const embedSettings = (body: Record<string, unknown>) => server.api.patch(`/guilds/${g.guildId}/embed-settings`, body, g.owner.token);

/** Whether LiveKit lets the participant publish now (undefined when it is not in the channel's room). */
const canPublishIn = async (channelId: string, identity: string): Promise<boolean | undefined> =>
  (
    await roomService()
      .listParticipants(voiceRoomName(channelId))
      .catch(() => [])
  ).find((p) => p.identity === identity)?.permission?.canPublish;

/** A guest allowed to speak (guest access `speak`), publishing a tone in `channelId` and listed to members. */
async function speakingGuestIn(channelId: string): Promise<{ bot: Bot; identity: string }> {
  const grant = await server.api.post(`/embed/voice/${channelId}/guest-token`);
  expect(grant.status).toBe(201);
  expect(grant.body.canSpeak).toBe(true);
  const identity = grant.body.identity as string;
  const bot = new Bot();
  bots.push(bot);
  await bot.connect(grant.body.url, grant.body.token);
  await bot.publishTone();
  await waitFor(
    'the guest listed',
    async () => ((await guestsSeenBy(g.owner.token)).some((x) => x.identity === identity) ? true : undefined),
    30_000,
  );
  expect(await canPublishIn(channelId, identity)).toBe(true);
  return { bot, identity };
}

describe('voice widget guests in the voice list', () => {
  it('when a guest connects and leaves, then members see it come and go (REST, gateway, READY) and voice states never list it', async () => {
    const socket = connectGateway(server.url, g.member.token);
    try {
      await nextEvent(socket, 'READY', () => true, 15_000);
      const joined = nextEvent<VoiceGuestUpdateEvent>(socket, 'VOICE_GUEST_UPDATE', (e) => e.connected === true, 30_000);
      const { bot, identity } = await guestIn(g.a);
      const event = VoiceGuestUpdateEvent.parse(await joined);
      expect(event).toMatchObject({ identity, guildId: g.guildId, channelId: g.a, connected: true });
      expect(event.name).toMatch(/^Guest [0-9a-f]{4}$/);

      const listed = await guestsSeenBy(g.member.token);
      expect(listed).toEqual([expect.objectContaining({ identity, channelId: g.a, name: event.name })]);
      // Members' voice states keep their schema: a guest is never one of them.
      const states = VoiceStateList.parse((await server.api.get(`/guilds/${g.guildId}/voice-states`, g.member.token)).body);
      expect(states.items.some((s) => s.userId === identity)).toBe(false);

      // A new connection's READY carries the guest in the guild's snapshot.
      const late = connectGateway(server.url, g.owner.token);
      try {
        const ready = await nextEvent<{ guilds: { guild: { id: string }; voiceGuests?: VoiceGuest[] }[] }>(
          late,
          'READY',
          () => true,
          15_000,
        );
        expect(ready.guilds.find((s) => s.guild.id === g.guildId)?.voiceGuests).toEqual([expect.objectContaining({ identity })]);
      } finally {
        late.close();
      }

      const left = nextEvent<VoiceGuestUpdateEvent>(socket, 'VOICE_GUEST_UPDATE', (e) => e.identity === identity && !e.connected, 30_000);
      await bot.close();
      expect(await left).toMatchObject({ identity, channelId: g.a, connected: false });
      expect(await guestsSeenBy(g.member.token)).toEqual([]);
    } finally {
      socket.close();
    }
  });

  it('when a member without MOVE_MEMBERS disconnects a guest, then 403; the owner can, and LiveKit drops the guest', async () => {
    const { bot, identity } = await guestIn(g.b);
    await waitFor(
      'the guest listed',
      async () => ((await guestsSeenBy(g.owner.token)).some((x) => x.identity === identity) ? true : undefined),
      30_000,
    );
    const path = `/guilds/${g.guildId}/voice-guests/${encodeURIComponent(identity)}`;

    const refused = await server.api.del(path, g.member.token);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    expect(bot.disconnected).toBe(false);

    expect((await server.api.del(path, g.owner.token)).status).toBe(204);
    await waitFor('LiveKit to disconnect the guest', async () => (bot.disconnected ? true : undefined), 30_000);
    expect(await guestsSeenBy(g.owner.token)).toEqual([]);
    // Gone: a second disconnect finds nobody.
    expect((await server.api.del(path, g.owner.token)).status).toBe(404);
  });

  it('when the identity is not a guest identity, or someone outside the guild asks, then 400 / 404', async () => {
    expect((await server.api.del(`/guilds/${g.guildId}/voice-guests/${g.member.id}`, g.owner.token)).status).toBe(400);
    const outsider = await registerUser(server.api, 'outsider');
    expect((await server.api.get(`/guilds/${g.guildId}/voice-guests`, outsider.token)).status).toBe(404);
  });

  it('when the guild lets guests only listen and then turns guests off, then a connected guest loses the microphone and then the call, at once', async () => {
    expect((await embedSettings({ guestAccess: 'speak' })).status).toBe(200);
    const { bot, identity } = await speakingGuestIn(g.c);

    // No sweep runs on an interval in this server: only the settings change can act.
    expect((await embedSettings({ guestAccess: 'listen' })).status).toBe(200);
    await waitFor(
      'LiveKit to take the guest microphone',
      async () => ((await canPublishIn(g.c, identity)) === false ? true : undefined),
      15_000,
    );
    expect(bot.disconnected).toBe(false);

    const socket = connectGateway(server.url, g.member.token);
    try {
      await nextEvent(socket, 'READY', () => true, 15_000);
      const left = nextEvent<VoiceGuestUpdateEvent>(socket, 'VOICE_GUEST_UPDATE', (e) => e.identity === identity && !e.connected, 15_000);
      expect((await embedSettings({ guestAccess: 'off' })).status).toBe(200);
      await waitFor('LiveKit to disconnect the guest', async () => (bot.disconnected ? true : undefined), 15_000);
      expect(await left).toMatchObject({ identity, channelId: g.c });
      expect(await guestsSeenBy(g.owner.token)).toEqual([]);
    } finally {
      socket.close();
      expect((await embedSettings({ guestAccess: 'listen' })).status).toBe(200);
    }
  });

  it('when a moderator mutes a speaking guest, then LiveKit takes its microphone and members see it muted; a member without MUTE_MEMBERS gets 403; unmuting gives it back', async () => {
    expect((await embedSettings({ guestAccess: 'speak' })).status).toBe(200);
    try {
      const { bot, identity } = await speakingGuestIn(g.a);
      const path = `/guilds/${g.guildId}/voice-guests/${encodeURIComponent(identity)}`;

      const refused = await server.api.patch(path, { serverMute: true }, g.member.token);
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('FORBIDDEN');
      expect(await canPublishIn(g.a, identity)).toBe(true);
      expect((await server.api.patch(path, { serverMute: 'yes' }, g.owner.token)).status).toBe(400);

      const socket = connectGateway(server.url, g.member.token);
      try {
        await nextEvent(socket, 'READY', () => true, 15_000);
        const muted = nextEvent<VoiceGuestUpdateEvent>(
          socket,
          'VOICE_GUEST_UPDATE',
          (e) => e.identity === identity && e.serverMute,
          15_000,
        );
        const res = await server.api.patch(path, { serverMute: true }, g.owner.token);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ identity, channelId: g.a, serverMute: true });
        expect(await muted).toMatchObject({ connected: true, serverMute: true });
      } finally {
        socket.close();
      }
      await waitFor(
        'LiveKit to take the microphone',
        async () => ((await canPublishIn(g.a, identity)) === false ? true : undefined),
        15_000,
      );
      expect((await guestsSeenBy(g.member.token)).find((x) => x.identity === identity)?.serverMute).toBe(true);
      const audit = await server.api.get(`/guilds/${g.guildId}/audit-log?action=voice.mute`, g.owner.token);
      expect(audit.body.items).toEqual([expect.objectContaining({ actorId: g.owner.id, targetId: identity })]);

      expect((await server.api.patch(path, { serverMute: false }, g.owner.token)).status).toBe(200);
      await waitFor(
        'LiveKit to give the microphone back',
        async () => ((await canPublishIn(g.a, identity)) === true ? true : undefined),
        15_000,
      );
      expect(bot.disconnected).toBe(false);
    } finally {
      expect((await embedSettings({ guestAccess: 'listen' })).status).toBe(200);
    }
  });

  it("when guests may speak again, or a channel's overwrite takes SPEAK from @everyone and gives it back, then a connected guest follows at once", async () => {
    expect((await embedSettings({ guestAccess: 'speak' })).status).toBe(200);
    const overwrites = (list: unknown[]) => server.api.patch(`/channels/${g.b}`, { overwrites: list }, g.owner.token);
    const publishes = (want: boolean, what: string) =>
      waitFor(what, async () => ((await canPublishIn(g.b, identity)) === want ? true : undefined), 15_000);
    const { bot, identity } = await speakingGuestIn(g.b);
    try {
      expect((await overwrites([{ id: g.guildId, type: 'role', allow: 0, deny: Permission.SPEAK }])).status).toBe(200);
      await publishes(false, 'LiveKit to take the microphone after the overwrite');
      expect((await overwrites([])).status).toBe(200);
      await publishes(true, 'LiveKit to give the microphone back after the overwrite went');

      expect((await embedSettings({ guestAccess: 'listen' })).status).toBe(200);
      await publishes(false, 'LiveKit to take the microphone for listen-only');
      expect((await embedSettings({ guestAccess: 'speak' })).status).toBe(200);
      await publishes(true, 'LiveKit to give the microphone back when guests may speak again');
      expect(bot.disconnected).toBe(false);
    } finally {
      await overwrites([]);
      expect((await embedSettings({ guestAccess: 'listen' })).status).toBe(200);
    }
  });
});
