import { Permission } from '@shared/permissions/permissions';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectGateway, nextEvent, registerUser, startTestServer, type TestServer, type TestUser } from './server-helpers';

/** Role hoist / mentionable, role mentions, channel and category order, the system channel's join notice. */
describe('guild structure: roles, categories and the system channel', () => {
  let t: TestServer;
  let owner: TestUser;
  let member: TestUser;
  let guildId: string;
  let textId: string;
  let voiceId: string;
  const sockets: Socket[] = [];

  const join = async (user: TestUser) => {
    const invite = (await t.api.post(`/guilds/${guildId}/invites`, {}, owner.token)).body;
    expect((await t.api.post(`/invites/${invite.code}`, undefined, user.token)).status).toBe(200);
  };

  beforeAll(async () => {
    t = await startTestServer();
    owner = await registerUser(t.api, 'owner');
    member = await registerUser(t.api, 'member');
    const g = await t.api.post('/guilds', { name: 'Structure' }, owner.token);
    guildId = g.body.id;
    const channels = (await t.api.get(`/guilds/${guildId}/channels`, owner.token)).body.items as { id: string; type: string }[];
    textId = channels.find((c) => c.type === 'text')!.id;
    voiceId = channels.find((c) => c.type === 'voice')!.id;
    expect(g.body.systemChannelId).toBe(textId);
    await join(member);
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await t?.stop();
  });

  it('when a role is created with hoist and mentionable, then both round-trip; without MANAGE_ROLES the change is refused', async () => {
    const plain = await t.api.post(`/guilds/${guildId}/roles`, { name: 'plain' }, owner.token);
    expect(plain.body).toMatchObject({ hoist: false, mentionable: false });
    const created = await t.api.post(`/guilds/${guildId}/roles`, { name: 'Crew', hoist: true }, owner.token);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ hoist: true, mentionable: false });
    const updated = await t.api.patch(`/guilds/${guildId}/roles/${created.body.id}`, { mentionable: true, hoist: false }, owner.token);
    expect(updated.body).toMatchObject({ hoist: false, mentionable: true });
    const listed = (await t.api.get(`/guilds/${guildId}/roles`, member.token)).body.items.find(
      (r: { id: string }) => r.id === created.body.id,
    );
    expect(listed).toMatchObject({ hoist: false, mentionable: true });

    const refused = await t.api.patch(`/guilds/${guildId}/roles/${created.body.id}`, { hoist: true }, member.token);
    expect(refused.status).toBe(403);
    const refusedCreate = await t.api.post(`/guilds/${guildId}/roles`, { name: 'mine', hoist: true }, member.token);
    expect(refusedCreate.status).toBe(403);
    const after = (await t.api.get(`/guilds/${guildId}/roles`, owner.token)).body.items.find(
      (r: { id: string }) => r.id === created.body.id,
    );
    expect(after.hoist).toBe(false);
  });

  it('when a member mentions a role, then it counts only if the role is mentionable; a sender with MANAGE_ROLES may mention any', async () => {
    const quiet = (await t.api.post(`/guilds/${guildId}/roles`, { name: 'Quiet' }, owner.token)).body;
    const loud = (await t.api.post(`/guilds/${guildId}/roles`, { name: 'Loud', mentionable: true }, owner.token)).body;
    const content = `hey <@&${quiet.id}> and <@&${loud.id}> and <@&${guildId}>`;
    const byMember = await t.api.post(`/channels/${textId}/messages`, { content }, member.token);
    expect(byMember.status).toBe(201);
    expect(byMember.body.mentionRoles).toEqual([loud.id]);
    const byOwner = await t.api.post(`/channels/${textId}/messages`, { content }, owner.token);
    expect(byOwner.body.mentionRoles).toEqual([quiet.id, loud.id]);
    // Making the role unmentionable afterwards does not rewrite history; an edit resolves again.
    await t.api.patch(`/guilds/${guildId}/roles/${loud.id}`, { mentionable: false }, owner.token);
    const edited = await t.api.patch(`/channels/${textId}/messages/${byMember.body.id}`, { content: `${content}!` }, member.token);
    expect(edited.body.mentionRoles).toEqual([]);
  });

  it('when the owner moves a channel into a category and reorders, then everyone gets the new order; a member is refused', async () => {
    const cat = (await t.api.post(`/guilds/${guildId}/channels`, { type: 'category', name: 'Projects' }, owner.token)).body;
    const other = (await t.api.post(`/guilds/${guildId}/channels`, { type: 'category', name: 'Archive' }, owner.token)).body;
    const a = (await t.api.post(`/guilds/${guildId}/channels`, { type: 'text', name: 'alpha', parentId: cat.id }, owner.token)).body;
    const socket = connectGateway(t.url, member.token);
    sockets.push(socket);
    await nextEvent(socket, 'READY');
    const resync = nextEvent(socket, 'GUILD_CREATE', (g: { guild: { id: string } }) => g.guild.id === guildId);

    const moved = await t.api.patch(
      `/guilds/${guildId}/channels`,
      {
        channels: [
          { id: a.id, position: 0, parentId: other.id },
          { id: textId, position: 1, parentId: other.id },
          { id: other.id, position: 0 },
          { id: cat.id, position: 1 },
        ],
      },
      owner.token,
    );
    expect(moved.status).toBe(200);
    const snap = await resync;
    const seen = (id: string) => snap.channels.find((c: { id: string }) => c.id === id);
    expect(seen(a.id)).toMatchObject({ parentId: other.id, position: 0 });
    expect(seen(textId)).toMatchObject({ parentId: other.id, position: 1 });
    expect(seen(other.id).position).toBeLessThan(seen(cat.id).position);

    const refused = await t.api.patch(
      `/guilds/${guildId}/channels`,
      { channels: [{ id: a.id, position: 5, parentId: null }] },
      member.token,
    );
    expect(refused.status).toBe(403);
    const intoChannel = await t.api.patch(
      `/guilds/${guildId}/channels`,
      { channels: [{ id: a.id, position: 0, parentId: textId }] },
      owner.token,
    );
    expect(intoChannel.status).toBe(400);
    expect((await t.api.get(`/channels/${a.id}`, owner.token)).body.parentId).toBe(other.id);
  });

  it("when a channel's settings are saved with its parent and overwrites as they were, then members get CHANNEL_UPDATE, not a resync of the whole guild; a real overwrite change resyncs", async () => {
    const socket = connectGateway(t.url, member.token);
    sockets.push(socket);
    await nextEvent(socket, 'READY');
    let resyncs = 0;
    socket.on('GUILD_CREATE', () => resyncs++);
    const channel = (await t.api.get(`/channels/${voiceId}`, owner.token)).body as { parentId: string | null; overwrites: unknown[] };
    // What the settings form sends on a rename: every field, the parent and overwrites unchanged.
    const renamed = nextEvent(socket, 'CHANNEL_UPDATE', (c: { id: string; name: string }) => c.id === voiceId && c.name === 'lounge');
    const saved = await t.api.patch(
      `/channels/${voiceId}`,
      { name: 'lounge', parentId: channel.parentId, overwrites: channel.overwrites, bitrate: 64_000 },
      owner.token,
    );
    expect(saved.status).toBe(200);
    await renamed;
    expect(resyncs).toBe(0);

    const resync = nextEvent(socket, 'GUILD_CREATE', (g: { guild: { id: string } }) => g.guild.id === guildId);
    const denied = [{ id: member.id, type: 'member', allow: 0, deny: Permission.SPEAK }];
    expect((await t.api.patch(`/channels/${voiceId}`, { overwrites: denied }, owner.token)).status).toBe(200);
    await resync;
    expect((await t.api.patch(`/channels/${voiceId}`, { overwrites: [] }, owner.token)).status).toBe(200);
  });

  it('when a category is deleted, then its channels stay, at the top level', async () => {
    const cat = (await t.api.post(`/guilds/${guildId}/channels`, { type: 'category', name: 'Temporary' }, owner.token)).body;
    const child = (await t.api.post(`/guilds/${guildId}/channels`, { type: 'voice', name: 'Room', parentId: cat.id }, owner.token)).body;
    expect((await t.api.del(`/channels/${cat.id}`, owner.token)).status).toBe(204);
    const list = (await t.api.get(`/guilds/${guildId}/channels`, member.token)).body.items as { id: string; parentId: string | null }[];
    expect(list.find((c) => c.id === cat.id)).toBeUndefined();
    expect(list.find((c) => c.id === child.id)?.parentId).toBeNull();
  });

  it('when someone joins by invite, then the system channel shows "joined"; the setting is validated, audited and cleared with its channel', async () => {
    // Not a text channel: refused with a code, nothing changes.
    const voice = await t.api.patch(`/guilds/${guildId}`, { systemChannelId: voiceId }, owner.token);
    expect(voice.status).toBe(400);
    expect(voice.body.error.code).toBe('WRONG_CHANNEL_TYPE');
    const unknown = await t.api.patch(`/guilds/${guildId}`, { systemChannelId: '0123456789abcdef01234567' }, owner.token);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('VALIDATION_FAILED');
    const byMember = await t.api.patch(`/guilds/${guildId}`, { systemChannelId: null }, member.token);
    expect(byMember.status).toBe(403);
    expect((await t.api.get(`/guilds/${guildId}`, owner.token)).body.systemChannelId).toBe(textId);

    const welcome = (await t.api.post(`/guilds/${guildId}/channels`, { type: 'text', name: 'welcome' }, owner.token)).body;
    const set = await t.api.patch(`/guilds/${guildId}`, { systemChannelId: welcome.id }, owner.token);
    expect(set.status).toBe(200);
    expect(set.body.systemChannelId).toBe(welcome.id);
    const audit = await t.api.get(`/guilds/${guildId}/audit-log?action=guild.update`, owner.token);
    expect(audit.body.items[0]).toMatchObject({ action: 'guild.update', actorId: owner.id, details: { systemChannelId: welcome.id } });

    const watcher = connectGateway(t.url, owner.token);
    sockets.push(watcher);
    await nextEvent(watcher, 'READY');
    const newcomer = await registerUser(t.api, 'newcomer');
    const notice = nextEvent(watcher, 'MESSAGE_CREATE', (m: { channelId: string }) => m.channelId === welcome.id);
    await join(newcomer);
    expect(await notice).toMatchObject({ type: 'member_join', author: { id: newcomer.id }, content: '', channelId: welcome.id });
    // A system message is not the author's to edit.
    const history = (await t.api.get(`/channels/${welcome.id}/messages`, newcomer.token)).body.items;
    const edit = await t.api.patch(`/channels/${welcome.id}/messages/${history[0].id}`, { content: 'rewritten' }, newcomer.token);
    expect(edit.status).toBe(403);
    // It is the server's notice, not the newcomer's message: purging their messages leaves it.
    const purge = await t.api.del(`/guilds/${guildId}/members/${newcomer.id}/messages`, owner.token);
    expect(purge.body).toEqual({ deleted: 0 });
    expect((await t.api.get(`/channels/${welcome.id}/messages`, owner.token)).body.items.map((m: { id: string }) => m.id)).toEqual([
      history[0].id,
    ]);

    // Deleting the channel clears the setting; the next join posts nothing anywhere.
    expect((await t.api.del(`/channels/${welcome.id}`, owner.token)).status).toBe(204);
    expect((await t.api.get(`/guilds/${guildId}`, owner.token)).body.systemChannelId).toBeNull();
    const before = (await t.api.get(`/channels/${textId}/messages?limit=1`, owner.token)).body.items[0]?.id;
    await join(await registerUser(t.api, 'late'));
    expect((await t.api.get(`/channels/${textId}/messages?limit=1`, owner.token)).body.items[0]?.id).toBe(before);
  });

  it('when a member with MANAGE_ROLES reorders roles, then only roles below their highest may move', async () => {
    const list = async () =>
      ((await t.api.get(`/guilds/${guildId}/roles`, owner.token)).body.items as { id: string; position: number }[])
        .filter((r) => r.id !== guildId)
        .sort((x, y) => x.position - y.position);
    const mod = (await t.api.post(`/guilds/${guildId}/roles`, { name: 'Mod', permissions: Permission.MANAGE_ROLES }, owner.token)).body;
    // Put Mod on top and give it to the member.
    const ids = (await list()).map((r) => r.id).filter((id) => id !== mod.id);
    expect((await t.api.patch(`/guilds/${guildId}/roles`, { roleIds: [...ids, mod.id] }, owner.token)).status).toBe(200);
    expect((await t.api.put(`/guilds/${guildId}/members/${member.id}/roles/${mod.id}`, undefined, owner.token)).status).toBe(204);

    const below = (await list()).map((r) => r.id);
    const swapped = [below[1]!, below[0]!, ...below.slice(2)];
    expect((await t.api.patch(`/guilds/${guildId}/roles`, { roleIds: swapped }, member.token)).status).toBe(200);
    const aboveOwn = [...swapped.slice(0, -2), swapped.at(-1)!, swapped.at(-2)!];
    expect((await t.api.patch(`/guilds/${guildId}/roles`, { roleIds: aboveOwn }, member.token)).status).toBe(403);
    expect((await list()).map((r) => r.id)).toEqual(swapped);
  });
});
