import { Permission } from '@shared/permissions/permissions';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, connectGateway, nextEvent, registerUser, startTestServer, type TestServer, type TestUser } from './server-helpers';

describe('guilds, invites, channels and messages over REST and the gateway', () => {
  let t: TestServer;
  let owner: TestUser;
  let member: TestUser;
  let outsider: TestUser;
  let guildId: string;
  let textId: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startTestServer();
    owner = await registerUser(t.api, 'owner');
    member = await registerUser(t.api, 'member');
    outsider = await registerUser(t.api, 'outsider');
    const g = await t.api.post('/guilds', { name: 'Parley HQ' }, owner.token);
    expect(g.status).toBe(201);
    guildId = g.body.id;
    const channels = await t.api.get(`/guilds/${guildId}/channels`, owner.token);
    textId = channels.body.items.find((c: { type: string }) => c.type === 'text').id;
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await t?.stop();
  });

  it('when a user accepts an invite, then they are a member and see the guild in READY', async () => {
    const invite = await t.api.post(`/guilds/${guildId}/invites`, { maxUses: 5 }, owner.token);
    expect(invite.status).toBe(201);
    const preview = await t.api.get(`/invites/${invite.body.code}`);
    expect(preview.status).toBe(200);
    expect(preview.body.guild).toMatchObject({ id: guildId, name: 'Parley HQ', memberCount: 1 });
    // The owner is watching, and the member is online (connected, but sharing no guild with the owner yet).
    const ownerSocket = connectGateway(t.url, owner.token);
    const memberSocket = connectGateway(t.url, member.token);
    sockets.push(ownerSocket, memberSocket);
    await Promise.all([nextEvent(ownerSocket, 'READY'), nextEvent(memberSocket, 'READY')]);
    const added = nextEvent(ownerSocket, 'MEMBER_ADD', (m: { user: { id: string } }) => m.user.id === member.id);
    const presence = nextEvent(ownerSocket, 'PRESENCE_UPDATE', (p: { userId: string }) => p.userId === member.id);
    const accept = await t.api.post(`/invites/${invite.body.code}`, undefined, member.token);
    expect(accept.status).toBe(200);
    expect(accept.body.id).toBe(guildId);
    expect((await added).guildId).toBe(guildId);
    expect(await presence).toEqual({ userId: member.id, status: 'online' });

    const socket = connectGateway(t.url, member.token);
    sockets.push(socket);
    const ready = await nextEvent(socket, 'READY');
    expect(ready.user.id).toBe(member.id);
    expect(ready.guilds.map((g: { guild: { id: string } }) => g.guild.id)).toEqual([guildId]);
    expect(ready.guilds[0].channels.map((c: { id: string }) => c.id)).toContain(textId);
    // The guild's system channel (its first text channel) got the join notice.
    const history = await t.api.get(`/channels/${textId}/messages?limit=10`, member.token);
    expect(history.body.items[0]).toMatchObject({ type: 'member_join', author: { id: member.id }, content: '' });
    expect(ready.guilds[0].channels.find((c: { id: string }) => c.id === textId).lastMessageId).toBe(history.body.items[0].id);
  });

  it('when the owner sends a message, then the other member receives it over the gateway with mentions resolved', async () => {
    const socket = connectGateway(t.url, member.token);
    sockets.push(socket);
    await nextEvent(socket, 'READY');
    const delivered = nextEvent(socket, 'MESSAGE_CREATE', (m: { channelId: string }) => m.channelId === textId);
    const sent = await t.api.post(`/channels/${textId}/messages`, { content: `hello <@${member.id}>`, nonce: 'n-1' }, owner.token);
    expect(sent.status).toBe(201);
    const got = await delivered;
    expect(got.id).toBe(sent.body.id);
    expect(got.content).toBe(`hello <@${member.id}>`);
    expect(got.mentions.map((u: { id: string }) => u.id)).toEqual([member.id]);

    const retry = await t.api.post(`/channels/${textId}/messages`, { content: `hello <@${member.id}>`, nonce: 'n-1' }, owner.token);
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(sent.body.id);
    const history = await t.api.get(`/channels/${textId}/messages?limit=10`, member.token);
    expect(history.body.items.filter((m: { id: string }) => m.id === sent.body.id)).toHaveLength(1);
  });

  it('when a member lacks a permission, then the route answers 403 and nothing changes', async () => {
    const create = await t.api.post(`/guilds/${guildId}/channels`, { type: 'text', name: 'secret' }, member.token);
    expect(create.status).toBe(403);
    expect(create.body.error.code).toBe('FORBIDDEN');
    const kick = await t.api.del(`/guilds/${guildId}/members/${owner.id}`, member.token);
    expect(kick.status).toBe(403);
    const audit = await t.api.get(`/guilds/${guildId}/audit-log`, member.token);
    expect(audit.status).toBe(403);
    const rename = await t.api.patch(`/guilds/${guildId}`, { name: 'pwned' }, member.token);
    expect(rename.status).toBe(403);
    expect((await t.api.get(`/guilds/${guildId}`, owner.token)).body.name).toBe('Parley HQ');
  });

  it('when a channel denies VIEW_CHANNEL to @everyone, then a member gets 404 and never sees its messages or events', async () => {
    const hidden = await t.api.post(
      `/guilds/${guildId}/channels`,
      { type: 'text', name: 'staff', overwrites: [{ id: guildId, type: 'role', allow: 0, deny: Permission.VIEW_CHANNEL }] },
      owner.token,
    );
    expect(hidden.status).toBe(201);
    const socket = connectGateway(t.url, member.token);
    sockets.push(socket);
    await nextEvent(socket, 'READY');
    const seen = collect(socket, 'MESSAGE_CREATE');
    expect((await t.api.get(`/channels/${hidden.body.id}`, member.token)).status).toBe(404);
    expect((await t.api.get(`/channels/${hidden.body.id}/messages`, member.token)).status).toBe(404);
    expect((await t.api.post(`/channels/${hidden.body.id}/messages`, { content: 'hi' }, member.token)).status).toBe(404);
    const list = await t.api.get(`/guilds/${guildId}/channels`, member.token);
    expect(list.body.items.map((c: { id: string }) => c.id)).not.toContain(hidden.body.id);
    await t.api.post(`/channels/${hidden.body.id}/messages`, { content: 'staff only' }, owner.token);
    // A later public message proves the socket was live while the hidden one was sent.
    const marker = nextEvent(socket, 'MESSAGE_CREATE', (m: { content: string }) => m.content === 'public marker');
    await t.api.post(`/channels/${textId}/messages`, { content: 'public marker' }, owner.token);
    await marker;
    expect(seen.map((m: { channelId: string }) => m.channelId)).not.toContain(hidden.body.id);

    // A role granting VIEW_CHANNEL through a channel overwrite lets the member in.
    const role = await t.api.post(`/guilds/${guildId}/roles`, { name: 'staff', permissions: 0 }, owner.token);
    expect(role.status).toBe(201);
    const patch = await t.api.patch(
      `/channels/${hidden.body.id}`,
      {
        overwrites: [
          { id: guildId, type: 'role', allow: 0, deny: Permission.VIEW_CHANNEL },
          { id: role.body.id, type: 'role', allow: Permission.VIEW_CHANNEL, deny: 0 },
        ],
      },
      owner.token,
    );
    expect(patch.status).toBe(200);
    expect((await t.api.put(`/guilds/${guildId}/members/${member.id}/roles/${role.body.id}`, undefined, owner.token)).status).toBe(204);
    expect((await t.api.get(`/channels/${hidden.body.id}/messages`, member.token)).body.items[0].content).toBe('staff only');
  });

  it('when a manager cannot view a channel, then reorder, parentId and the audit log treat it as nonexistent', async () => {
    const g = (await t.api.post('/guilds', { name: 'Hidden corners' }, owner.token)).body;
    const invite = (await t.api.post(`/guilds/${g.id}/invites`, {}, owner.token)).body;
    expect((await t.api.post(`/invites/${invite.code}`, undefined, member.token)).status).toBe(200);
    const mods = await t.api.post(
      `/guilds/${g.id}/roles`,
      { name: 'mods', permissions: Permission.MANAGE_CHANNELS | Permission.MANAGE_GUILD },
      owner.token,
    );
    expect((await t.api.put(`/guilds/${g.id}/members/${member.id}/roles/${mods.body.id}`, undefined, owner.token)).status).toBe(204);
    const hidden = await t.api.post(
      `/guilds/${g.id}/channels`,
      { type: 'category', name: 'vault', overwrites: [{ id: g.id, type: 'role', allow: 0, deny: Permission.VIEW_CHANNEL }] },
      owner.token,
    );
    const open = await t.api.post(`/guilds/${g.id}/channels`, { type: 'category', name: 'lobby' }, owner.token);
    expect([hidden.status, open.status]).toEqual([201, 201]);
    const unknownId = 'a'.repeat(24);
    const answer = (res: { status: number; body: { error: { code: string; message: string; details?: unknown } } }) => [
      res.status,
      res.body.error.code,
      res.body.error.message,
      res.body.error.details,
    ];

    // Reordering: a hidden channel answers exactly like an id that does not exist, and is not moved.
    const moveHidden = await t.api.patch(`/guilds/${g.id}/channels`, { channels: [{ id: hidden.body.id, position: 0 }] }, member.token);
    const moveUnknown = await t.api.patch(`/guilds/${g.id}/channels`, { channels: [{ id: unknownId, position: 0 }] }, member.token);
    expect(moveHidden.status).toBe(400);
    expect(answer(moveHidden)).toEqual(answer(moveUnknown));
    const moveOpen = await t.api.patch(`/guilds/${g.id}/channels`, { channels: [{ id: open.body.id, position: 0 }] }, member.token);
    expect(moveOpen.status).toBe(200);
    expect(moveOpen.body.items.map((c: { id: string }) => c.id)).not.toContain(hidden.body.id);
    const ownerView = (await t.api.get(`/guilds/${g.id}/channels`, owner.token)).body.items as { id: string; position: number }[];
    expect(ownerView.find((c) => c.id === hidden.body.id)?.position).toBe(hidden.body.position);

    // parentId: the hidden category is "not a category of this guild", like an unknown id; the visible one works.
    const underHidden = await t.api.post(
      `/guilds/${g.id}/channels`,
      { type: 'text', name: 'probe', parentId: hidden.body.id },
      member.token,
    );
    const underUnknown = await t.api.post(`/guilds/${g.id}/channels`, { type: 'text', name: 'probe', parentId: unknownId }, member.token);
    expect(underHidden.status).toBe(400);
    expect(answer(underHidden)).toEqual(answer(underUnknown));
    const underOpen = await t.api.post(`/guilds/${g.id}/channels`, { type: 'text', name: 'chat', parentId: open.body.id }, member.token);
    expect(underOpen.status).toBe(201);
    expect((await t.api.patch(`/channels/${underOpen.body.id}`, { parentId: hidden.body.id }, member.token)).status).toBe(400);

    // The audit log: the owner sees the hidden category's entries; the manager who cannot view it does not, and a
    // reorder that moved both shows them only the channel they can see.
    expect(
      (
        await t.api.patch(
          `/guilds/${g.id}/channels`,
          {
            channels: [
              { id: hidden.body.id, position: 5 },
              { id: open.body.id, position: 6 },
            ],
          },
          owner.token,
        )
      ).status,
    ).toBe(200);
    const named = (items: { targetId: string | null; details: { reorder?: string[] } | null }[]) =>
      items.flatMap((e) => [e.targetId, ...(e.details?.reorder ?? [])]);
    const ownerLog = await t.api.get(`/guilds/${g.id}/audit-log`, owner.token);
    expect(named(ownerLog.body.items)).toContain(hidden.body.id);
    const memberLog = await t.api.get(`/guilds/${g.id}/audit-log`, member.token);
    expect(memberLog.status).toBe(200);
    expect(named(memberLog.body.items)).not.toContain(hidden.body.id);
    expect(named(memberLog.body.items)).toContain(open.body.id);
    const reorders = memberLog.body.items.filter((e: { details: { reorder?: string[] } | null }) => e.details?.reorder);
    expect(reorders[0].details.reorder).toEqual([open.body.id]);
  });

  it('when an outsider probes another guild, then everything is 404 and nothing leaks', async () => {
    expect((await t.api.get(`/guilds/${guildId}`, outsider.token)).status).toBe(404);
    expect((await t.api.get(`/guilds/${guildId}/channels`, outsider.token)).status).toBe(404);
    expect((await t.api.get(`/guilds/${guildId}/members`, outsider.token)).status).toBe(404);
    expect((await t.api.get(`/channels/${textId}`, outsider.token)).status).toBe(404);
    expect((await t.api.get(`/channels/${textId}/messages`, outsider.token)).status).toBe(404);
    expect((await t.api.post(`/channels/${textId}/messages`, { content: 'x' }, outsider.token)).status).toBe(404);
    const mine = await t.api.get('/guilds', outsider.token);
    expect(mine.body.items).toEqual([]);
    // The outsider's own guild is isolated from the first one.
    const other = await t.api.post('/guilds', { name: 'Elsewhere' }, outsider.token);
    const otherChannels = await t.api.get(`/guilds/${other.body.id}/channels`, owner.token);
    expect(otherChannels.status).toBe(404);
    const socket = connectGateway(t.url, outsider.token);
    sockets.push(socket);
    const ready = await nextEvent(socket, 'READY');
    expect(ready.guilds.map((g: { guild: { id: string } }) => g.guild.id)).toEqual([other.body.id]);
  });

  it('when a member is banned, then they are removed, cannot rejoin by invite, and it is in the audit log', async () => {
    const victim = await registerUser(t.api, 'victim');
    const invite = await t.api.post(`/guilds/${guildId}/invites`, {}, owner.token);
    expect((await t.api.post(`/invites/${invite.body.code}`, undefined, victim.token)).status).toBe(200);
    const socket = connectGateway(t.url, victim.token);
    sockets.push(socket);
    await nextEvent(socket, 'READY');
    const removed = nextEvent(socket, 'GUILD_DELETE');
    expect((await t.api.put(`/guilds/${guildId}/bans/${victim.id}`, { reason: 'spam' }, owner.token)).status).toBe(204);
    expect((await removed).id).toBe(guildId);
    const rejoin = await t.api.post(`/invites/${invite.body.code}`, undefined, victim.token);
    expect(rejoin.status).toBe(403);
    expect(rejoin.body.error.code).toBe('BANNED');
    const audit = await t.api.get(`/guilds/${guildId}/audit-log?action=member.ban`, owner.token);
    expect(audit.body.items[0]).toMatchObject({ action: 'member.ban', actorId: owner.id, targetId: victim.id });
  });

  it('when history is paged with before/after/around across storage pages, then pages are newest first and do not overlap', async () => {
    const g = await t.api.post('/guilds', { name: 'History' }, owner.token);
    const ch = (await t.api.get(`/guilds/${g.body.id}/channels`, owner.token)).body.items.find(
      (c: { type: string }) => c.type === 'text',
    ).id;
    const ids: string[] = [];
    // 120 messages span three storage pages (50 per page): cursors below cross page boundaries.
    for (let i = 0; i < 120; i++) ids.push((await t.api.post(`/channels/${ch}/messages`, { content: `m${i}` }, owner.token)).body.id);
    const names = (res: { body: { items: { content: string }[] } }) => res.body.items.map((m) => m.content);
    expect(names(await t.api.get(`/channels/${ch}/messages?limit=5`, owner.token))).toEqual(['m119', 'm118', 'm117', 'm116', 'm115']);
    expect(names(await t.api.get(`/channels/${ch}/messages?limit=5&before=${ids[52]}`, owner.token))).toEqual([
      'm51',
      'm50',
      'm49',
      'm48',
      'm47',
    ]);
    expect(names(await t.api.get(`/channels/${ch}/messages?limit=3&after=${ids[48]}`, owner.token))).toEqual(['m51', 'm50', 'm49']);
    expect(names(await t.api.get(`/channels/${ch}/messages?limit=4&around=${ids[50]}`, owner.token))).toEqual(['m52', 'm51', 'm50', 'm49']);
    const full = await t.api.get(`/channels/${ch}/messages?limit=100&before=${ids[110]}`, owner.token);
    expect(names(full)).toEqual(Array.from({ length: 100 }, (_, i) => `m${109 - i}`));
    expect(names(await t.api.get(`/channels/${ch}/messages?before=${ids[2]}`, owner.token))).toEqual(['m1', 'm0']);
    expect(names(await t.api.get(`/channels/${ch}/messages?after=${ids[119]}`, owner.token))).toEqual([]);
    // A cursor past the end (forged: sequence 1,000,000) pages back from the newest message, like no cursor.
    const pastEnd = `6a000000${(1_000_000).toString(16).padStart(12, '0')}0000`;
    expect(names(await t.api.get(`/channels/${ch}/messages?limit=2&before=${pastEnd}`, owner.token))).toEqual(['m119', 'm118']);
    // The channel knows its newest message (unread markers after a restart), in lists and on its own.
    const listed = (await t.api.get(`/guilds/${g.body.id}/channels`, owner.token)).body.items as {
      id: string;
      lastMessageId: string | null;
    }[];
    expect(listed.find((c) => c.id === ch)?.lastMessageId).toBe(ids[119]);
    expect(listed.filter((c) => c.id !== ch).map((c) => c.lastMessageId)).toEqual(listed.filter((c) => c.id !== ch).map(() => null));
    expect((await t.api.get(`/channels/${ch}`, owner.token)).body.lastMessageId).toBe(ids[119]);
    // A deleted message disappears from history but still works as a cursor (a client resuming after it).
    expect((await t.api.del(`/channels/${ch}/messages/${ids[50]}`, owner.token)).status).toBe(204);
    expect(names(await t.api.get(`/channels/${ch}/messages?limit=3&before=${ids[52]}`, owner.token))).toEqual(['m51', 'm49', 'm48']);
    expect(names(await t.api.get(`/channels/${ch}/messages?limit=2&after=${ids[50]}`, owner.token))).toEqual(['m52', 'm51']);
    const both = await t.api.get(`/channels/${ch}/messages?before=${ids[1]}&after=${ids[0]}`, owner.token);
    expect(both.status).toBe(400);
  });

  it('when the owner deletes a guild, then members are told, and the guild, its channels and messages are gone', async () => {
    const g = (await t.api.post('/guilds', { name: 'Doomed' }, owner.token)).body;
    const invite = (await t.api.post(`/guilds/${g.id}/invites`, {}, owner.token)).body;
    await t.api.post(`/invites/${invite.code}`, undefined, member.token);
    const ch = (await t.api.get(`/guilds/${g.id}/channels`, owner.token)).body.items.find((c: { type: string }) => c.type === 'text').id;
    const msg = (await t.api.post(`/channels/${ch}/messages`, { content: 'bye' }, member.token)).body;
    const socket = connectGateway(t.url, member.token);
    sockets.push(socket);
    await nextEvent(socket, 'READY');
    const gone = nextEvent(socket, 'GUILD_DELETE', (e: { id: string }) => e.id === g.id);
    expect((await t.api.del(`/guilds/${g.id}`, member.token)).status).toBe(403);
    expect((await t.api.del(`/guilds/${g.id}`, owner.token)).status).toBe(204);
    await gone;
    expect((await t.api.get(`/guilds/${g.id}`, owner.token)).status).toBe(404);
    expect((await t.api.get(`/channels/${ch}`, owner.token)).status).toBe(404);
    expect(await t.server.repos.messages.find(ch, msg.id)).toBeNull();
    expect((await t.api.get('/guilds', member.token)).body.items.map((x: { id: string }) => x.id)).not.toContain(g.id);
  });
});
