/**
 * The embeddable voice widget's server side on the real stack (FerretDB, Redis, LiveKit): embed settings (MANAGE_GUILD,
 * validated origins), guest tokens and their grants, and the widget page's frame-ancestors.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbedGuestToken, EmbedSettings } from '@shared/api/embed';
import { voiceRoomName } from '@shared/api/voice';
import { Permission } from '@shared/permissions/permissions';
import { startTestServer, type TestServer } from './server-helpers';
import { Bot, createVoiceGuild, roomService, waitFor, type VoiceGuild } from './voice-support';

const webDir = mkdtempSync(join(tmpdir(), 'parley-embed-'));
writeFileSync(join(webDir, 'embed.html'), '<!doctype html><meta name="parley-embed" content="{}" /><title>widget</title>');

/** The page's `<meta name="parley-embed">` content, as the widget's script reads it. */
function metaOf(html: string): unknown {
  const m = /<meta name="parley-embed" content="([^"]*)"/.exec(html);
  return m?.[1]
    ? JSON.parse(
        m[1]
          .replace(/&quot;/g, '"')
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&amp;/g, '&'),
      )
    : null;
}

let server: TestServer;
let g: VoiceGuild;
const bot = new Bot();

beforeAll(async () => {
  server = await startTestServer({ WEB_DIR: webDir });
  g = await createVoiceGuild(server.api);
});
afterAll(async () => {
  await bot.close();
  // No rtc-node dispose(): files share one worker (vitest.config.ts), where rtc-node cannot start again once disposed.
  await server?.stop();
});

const settingsPath = () => `/guilds/${g.guildId}/embed-settings`;
const tokenPath = (channelId: string) => `/embed/voice/${channelId}/guest-token`;
const page = (channelId: string) => fetch(`${server.url}/embed/voice/${channelId}`);

function grantOf(token: string): { video: Record<string, unknown>; sub: string; exp: number; nbf: number } {
  return decodeJwt(token) as never;
}

describe('embed settings', () => {
  it('when a guild never saved them, then no origin may frame and guests are off', async () => {
    const res = await server.api.get(settingsPath(), g.owner.token);
    expect(res.status).toBe(200);
    expect(EmbedSettings.parse(res.body)).toEqual({ guildId: g.guildId, allowedOrigins: [], guestAccess: 'off' });
  });

  it('when a member without MANAGE_GUILD reads or changes them, then 403 and nothing changes', async () => {
    expect((await server.api.get(settingsPath(), g.member.token)).status).toBe(403);
    const res = await server.api.patch(settingsPath(), { guestAccess: 'speak' }, g.member.token);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    expect((await server.api.get(settingsPath(), g.owner.token)).body.guestAccess).toBe('off');
  });

  it.each([
    'https://example.com/',
    'https://example.com/path',
    'example.com',
    'ftp://example.com',
    'https://user@example.com',
    'https://example.com?x=1',
    'HTTPS://Example.com',
    "'none'",
    '*',
  ])('when an origin is not exact (%s), then 400 and nothing is saved', async (origin) => {
    const res = await server.api.patch(settingsPath(), { allowedOrigins: [origin] }, g.owner.token);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect((await server.api.get(settingsPath(), g.owner.token)).body.allowedOrigins).toEqual([]);
  });

  it('when the owner saves origins and guest access, then they are kept (duplicates once) and audited', async () => {
    const res = await server.api.patch(
      settingsPath(),
      { allowedOrigins: ['https://example.com', 'http://localhost:8080', 'https://example.com'], guestAccess: 'listen' },
      g.owner.token,
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      guildId: g.guildId,
      allowedOrigins: ['https://example.com', 'http://localhost:8080'],
      guestAccess: 'listen',
    });
    const again = await server.api.get(settingsPath(), g.owner.token);
    expect(again.body).toEqual(res.body);
    const audit = await server.api.get(`/guilds/${g.guildId}/audit-log?action=guild.update`, g.owner.token);
    expect(JSON.stringify(audit.body)).toContain('http://localhost:8080');
  });
});

describe('the widget page', () => {
  it('when the guild lists origins, then frame-ancestors is exactly them and there is no X-Frame-Options', async () => {
    const res = await page(g.a);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/(^|;)frame-ancestors https:\/\/example\.com http:\/\/localhost:8080(;|$)/);
    expect(csp.match(/frame-ancestors/g)).toHaveLength(1);
    // helmet's other directives stay.
    expect(csp).toContain("script-src 'self'");
    expect(res.headers.get('x-frame-options')).toBeNull();
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(metaOf(await res.text())).toEqual({
      origins: ['https://example.com', 'http://localhost:8080'],
      guestAccess: 'listen',
      channelName: 'alpha',
    });
  });

  it("when the channel is not a voice channel or does not exist, then 404 with frame-ancestors 'none'", async () => {
    const text = (await server.api.get(`/guilds/${g.guildId}/channels`, g.owner.token)).body.items.find(
      (c: { type: string }) => c.type === 'text',
    ).id as string;
    for (const id of [text, 'ffffffffffffffffffffffff', 'nope']) {
      const res = await page(id);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
  });

  it("when the guild lists no origin, then frame-ancestors 'none'", async () => {
    const other = await createVoiceGuild(server.api);
    const res = await page(other.a);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'(;|$)/);
    // Guests off: the page does not even name the channel.
    expect(metaOf(await res.text())).toEqual({ origins: [], guestAccess: 'off', channelName: null });
  });
});

describe('guest tokens', () => {
  it('when guests may listen, then the token joins only this room, subscribes and cannot publish', async () => {
    const res = await server.api.post(tokenPath(g.a));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const body = EmbedGuestToken.parse(res.body);
    expect(body.identity).toMatch(/^guest:[0-9a-f]{12}$/);
    expect(body.canSpeak).toBe(false);
    expect(body.channel.id).toBe(g.a);
    const claims = grantOf(body.token);
    expect(claims.sub).toBe(body.identity);
    expect(claims.exp - claims.nbf).toBe(server.config.VOICE_TOKEN_TTL_SECONDS);
    expect(claims.video).toMatchObject({
      room: voiceRoomName(g.a),
      roomJoin: true,
      canSubscribe: true,
      canPublish: false,
      canPublishData: false,
      roomAdmin: false,
    });
    // Two guests are two identities.
    const second = EmbedGuestToken.parse((await server.api.post(tokenPath(g.a))).body);
    expect(second.identity).not.toBe(body.identity);
  });

  it('when guests may speak, then the token may publish the microphone and nothing else', async () => {
    expect((await server.api.patch(settingsPath(), { guestAccess: 'speak' }, g.owner.token)).status).toBe(200);
    const body = EmbedGuestToken.parse((await server.api.post(tokenPath(g.a))).body);
    expect(body.canSpeak).toBe(true);
    expect(grantOf(body.token).video).toMatchObject({ canPublish: true, canPublishSources: ['microphone'] });
  });

  it('when @everyone may not speak in the channel, then a speak guest still only listens', async () => {
    const deny = await server.api.patch(
      `/channels/${g.b}`,
      { overwrites: [{ id: g.guildId, type: 'role', allow: 0, deny: Permission.SPEAK }] },
      g.owner.token,
    );
    expect(deny.status, JSON.stringify(deny.body)).toBeLessThan(300);
    const body = EmbedGuestToken.parse((await server.api.post(tokenPath(g.b))).body);
    expect(body.canSpeak).toBe(false);
    expect(grantOf(body.token).video.canPublish).toBe(false);
  });

  it('when @everyone may not connect, then 403', async () => {
    const deny = await server.api.patch(
      `/channels/${g.c}`,
      { overwrites: [{ id: g.guildId, type: 'role', allow: 0, deny: Permission.CONNECT }] },
      g.owner.token,
    );
    expect(deny.status, JSON.stringify(deny.body)).toBeLessThan(300);
    const res = await server.api.post(tokenPath(g.c));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });

  it('when the guild turns guests off, then 403 FORBIDDEN', async () => {
    expect((await server.api.patch(settingsPath(), { guestAccess: 'off' }, g.owner.token)).status).toBe(200);
    const res = await server.api.post(tokenPath(g.a));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });

  it('when guests are on but no origin is listed, then 403', async () => {
    expect((await server.api.patch(settingsPath(), { guestAccess: 'listen', allowedOrigins: [] }, g.owner.token)).status).toBe(200);
    expect((await server.api.post(tokenPath(g.a))).status).toBe(403);
  });

  it('when the channel is not a guild voice channel, then 404', async () => {
    expect((await server.api.post(tokenPath('ffffffffffffffffffffffff'))).status).toBe(404);
  });

  it('when the channel is at its user limit, then a guest is refused with 403 CHANNEL_FULL', async () => {
    const on = await server.api.patch(settingsPath(), { guestAccess: 'listen', allowedOrigins: ['https://example.com'] }, g.owner.token);
    expect(on.status).toBe(200);
    expect((await server.api.post(tokenPath(g.a))).status).toBe(201);
    expect((await server.api.patch(`/channels/${g.a}`, { userLimit: 1 }, g.owner.token)).status).toBe(200);
    const grant = await server.api.post(`/channels/${g.a}/voice/join`, undefined, g.member.token);
    expect(grant.status, JSON.stringify(grant.body)).toBe(200);
    await bot.connect(grant.body.url, grant.body.token);
    await waitFor('the member in the room', async () =>
      (await roomService().listParticipants(voiceRoomName(g.a))).length === 1 ? true : undefined,
    );
    const res = await server.api.post(tokenPath(g.a));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('CHANNEL_FULL');
  });

  it('when the route is called, then it is rate limited per IP (X-RateLimit headers)', async () => {
    const res = await server.api.post(tokenPath(g.a));
    expect(res.headers.get('x-ratelimit-limit')).not.toBeNull();
  });
});

describe('production', () => {
  it('when the server runs in production, then only https origins are accepted', async () => {
    const prod = await startTestServer({ WEB_DIR: webDir, NODE_ENV: 'production' });
    try {
      const pg = await createVoiceGuild(prod.api);
      const res = await prod.api.patch(`/guilds/${pg.guildId}/embed-settings`, { allowedOrigins: ['http://example.com'] }, pg.owner.token);
      expect(res.status).toBe(400);
      const ok = await prod.api.patch(`/guilds/${pg.guildId}/embed-settings`, { allowedOrigins: ['https://example.com'] }, pg.owner.token);
      expect(ok.status).toBe(200);
    } finally {
      await prod.stop();
    }
  });
});
