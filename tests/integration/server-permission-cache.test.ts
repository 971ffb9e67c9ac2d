import { DEFAULT_EVERYONE_PERMISSIONS, Permission } from '@shared/permissions/permissions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueDbName } from '../support/env';
import { startTestServer, type TestServer } from './server-helpers';
import { createVoiceGuild, type VoiceGuild } from './voice-support';

// Permission checks are served from a short-lived cache (server/src/permissions/permission-cache.ts). These prove a
// revocation is honoured on the very next request, on the instance that made it and on another one sharing Redis.
const WITHOUT_CONNECT = DEFAULT_EVERYONE_PERMISSIONS & ~Permission.CONNECT;

describe('permission cache invalidation', () => {
  let a: TestServer;
  let b: TestServer;
  let g: VoiceGuild;

  const join = (server: TestServer, channelId: string, token: string) => server.api.post(`/channels/${channelId}/voice/join`, {}, token);
  const setEveryone = (server: TestServer, permissions: number) =>
    server.api.patch(`/guilds/${g.guildId}/roles/${g.guildId}`, { permissions }, g.owner.token);

  beforeAll(async () => {
    const db = uniqueDbName('parley_test_permcache');
    a = await startTestServer({ MONGODB_DB: db });
    b = await startTestServer({ MONGODB_DB: db });
    g = await createVoiceGuild(a.api);
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it('when @everyone loses CONNECT, then the next join on the same instance is refused, and allowed again once restored', async () => {
    expect((await join(a, g.a, g.member.token)).status).toBe(200);
    expect((await join(a, g.a, g.member.token)).status).toBe(200); // now served from the cache
    expect((await setEveryone(a, WITHOUT_CONNECT)).status).toBe(200);
    expect((await join(a, g.a, g.member.token)).status).toBe(403);
    expect((await setEveryone(a, DEFAULT_EVERYONE_PERMISSIONS)).status).toBe(200);
    expect((await join(a, g.a, g.member.token)).status).toBe(200);
  });

  it('when a change is made through instance A, then instance B honours it on the next request', async () => {
    expect((await join(b, g.b, g.member.token)).status).toBe(200); // warms B's cache
    expect((await setEveryone(a, WITHOUT_CONNECT)).status).toBe(200);
    expect((await join(b, g.b, g.member.token)).status).toBe(403);
    expect((await setEveryone(a, DEFAULT_EVERYONE_PERMISSIONS)).status).toBe(200);
    expect((await join(b, g.b, g.member.token)).status).toBe(200);
  });

  it('when a user renames themselves through instance A, then their next voice token from instance B carries the new name', async () => {
    const nameIn = (token: string) => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).name as string;
    const before = await join(b, g.a, g.member.token);
    expect(before.status).toBe(200);
    expect((await a.api.patch('/users/@me', { displayName: 'Renamed Member' }, g.member.token)).status).toBe(200);
    const after = await join(b, g.a, g.member.token);
    expect(after.status).toBe(200);
    expect(nameIn(after.body.token)).toBe('Renamed Member');
  });

  it('when a member is kicked, then their next join is refused on both instances', async () => {
    expect((await join(a, g.c, g.member.token)).status).toBe(200);
    expect((await join(b, g.c, g.member.token)).status).toBe(200);
    expect((await a.api.del(`/guilds/${g.guildId}/members/${g.member.id}`, g.owner.token)).status).toBe(204);
    expect((await join(a, g.c, g.member.token)).status).toBe(404);
    expect((await join(b, g.c, g.member.token)).status).toBe(404);
  });
});
