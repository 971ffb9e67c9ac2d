import { Permission } from '@shared/permissions/permissions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../server/src/clock';
import { registerUser, startTestServer, type ApiResponse, type TestServer, type TestUser } from './server-helpers';

/**
 * Server features that work but that no other test pins down: message limits and moderation, leaving, unbanning,
 * member paging, invite exhaustion / expiry / revocation, role management and hierarchy, channel deletion and
 * categories, voice field ranges, and the audit log's entries and paging.
 */
describe('server coverage: messages, guilds, invites, roles, channels and the audit log', () => {
  let t: TestServer;
  let owner: TestUser;
  /** Added to the server's clock, to expire invites without sleeping (kept far below the 15 min token lifetime). */
  let clockOffsetMs = 0;
  const clock: Clock = { now: () => new Date(Date.now() + clockOffsetMs) };

  const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((x) => x.id);

  /** A fresh guild owned by `owner`, with `n` new members joined through an invite. */
  async function guildWith(name: string, n: number): Promise<{ guildId: string; textId: string; voiceId: string; members: TestUser[] }> {
    const g = await t.api.post('/guilds', { name }, owner.token);
    expect(g.status).toBe(201);
    const guildId: string = g.body.id;
    const invite = await t.api.post(`/guilds/${guildId}/invites`, { maxUses: 0 }, owner.token);
    expect(invite.status).toBe(201);
    const members: TestUser[] = [];
    for (let i = 0; i < n; i++) {
      const u = await registerUser(t.api, 'cov');
      expect((await t.api.post(`/invites/${invite.body.code}`, undefined, u.token)).status).toBe(200);
      members.push(u);
    }
    const channels = (await t.api.get(`/guilds/${guildId}/channels`, owner.token)).body.items as { id: string; type: string }[];
    return { guildId, textId: channels.find((c) => c.type === 'text')!.id, voiceId: channels.find((c) => c.type === 'voice')!.id, members };
  }

  async function createRole(guildId: string, name: string, permissions = 0): Promise<string> {
    const res = await t.api.post(`/guilds/${guildId}/roles`, { name, permissions }, owner.token);
    expect(res.status).toBe(201);
    return res.body.id;
  }

  async function giveRole(guildId: string, userId: string, roleId: string): Promise<void> {
    expect((await t.api.put(`/guilds/${guildId}/members/${userId}/roles/${roleId}`, undefined, owner.token)).status).toBe(204);
  }

  beforeAll(async () => {
    t = await startTestServer({}, { clock });
    owner = await registerUser(t.api, 'covowner');
  });
  afterAll(async () => {
    await t?.stop();
  });

  // ---- 1. Messages and accounts -------------------------------------------------------------------------------------

  it("when a member without MANAGE_MESSAGES deletes someone else's message, then it is 403 and the message stays", async () => {
    const { guildId, textId, members } = await guildWith('Moderation', 2);
    const [author, other] = members as [TestUser, TestUser];
    const sent = await t.api.post(`/channels/${textId}/messages`, { content: 'keep me' }, author.token);
    expect(sent.status).toBe(201);
    const del = await t.api.del(`/channels/${textId}/messages/${sent.body.id}`, other.token);
    expect(del.status).toBe(403);
    expect(del.body.error.code).toBe('FORBIDDEN');
    const still = await t.api.get(`/channels/${textId}/messages/${sent.body.id}`, owner.token);
    expect(still.status).toBe(200);
    expect(still.body.content).toBe('keep me');
    expect(ids(await t.api.get(`/channels/${textId}/messages`, owner.token))).toContain(sent.body.id);
    // Editing someone else's message is refused too.
    const edit = await t.api.patch(`/channels/${textId}/messages/${sent.body.id}`, { content: 'hijacked' }, other.token);
    expect(edit.status).toBe(403);
    expect((await t.api.get(`/channels/${textId}/messages/${sent.body.id}`, owner.token)).body.content).toBe('keep me');

    // With MANAGE_MESSAGES through a role, the same member may delete it, and the deletion is audited.
    const mods = await createRole(guildId, 'mods', Permission.MANAGE_MESSAGES);
    await giveRole(guildId, other.id, mods);
    expect((await t.api.del(`/channels/${textId}/messages/${sent.body.id}`, other.token)).status).toBe(204);
    const gone = await t.api.get(`/channels/${textId}/messages/${sent.body.id}`, owner.token);
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('NOT_FOUND');
    const audit = await t.api.get(`/guilds/${guildId}/audit-log?action=message.delete`, owner.token);
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({
      action: 'message.delete',
      actorId: other.id,
      targetId: author.id,
      details: { channelId: textId, messageId: sent.body.id },
    });
  });

  it('when a message is 4000 characters it is accepted, and at 4001 it is 400 VALIDATION_FAILED (send and edit)', async () => {
    const { textId, members } = await guildWith('Lengths', 1);
    const [member] = members as [TestUser];
    const max = 'a'.repeat(4000);
    const ok = await t.api.post(`/channels/${textId}/messages`, { content: max }, member.token);
    expect(ok.status).toBe(201);
    expect(ok.body.content).toBe(max);
    const tooLong = await t.api.post(`/channels/${textId}/messages`, { content: `${max}b` }, member.token);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.code).toBe('VALIDATION_FAILED');
    expect(tooLong.body.error.details.map((d: { path: string }) => d.path)).toEqual(['body.content']);
    const editTooLong = await t.api.patch(`/channels/${textId}/messages/${ok.body.id}`, { content: `${max}b` }, member.token);
    expect(editTooLong.status).toBe(400);
    expect(editTooLong.body.error.code).toBe('VALIDATION_FAILED');
    const history = await t.api.get(`/channels/${textId}/messages`, member.token);
    // (Besides the members' join notices in this system channel.)
    expect(
      history.body.items.filter((m: { type: string }) => m.type === 'default').map((m: { content: string }) => m.content.length),
    ).toEqual([4000]);
  });

  it('when a username is 32 characters registering works, and at 33 it is 400 on body.username', async () => {
    const base = `u${Math.random().toString(36).slice(2, 10)}`;
    const name32 = base.padEnd(32, 'x');
    expect(name32).toHaveLength(32);
    const ok = await t.api.post('/auth/register', { username: name32, password: 'correct horse battery' });
    expect(ok.status).toBe(201);
    expect(ok.body.user.username).toBe(name32);
    const name33 = `${base.padEnd(32, 'y')}y`;
    expect(name33).toHaveLength(33);
    const bad = await t.api.post('/auth/register', { username: name33, password: 'correct horse battery' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).toEqual(['body.username']);
    // Nothing was created: the 32-character prefix is still free.
    const login = await t.api.post('/auth/login', { username: base.padEnd(32, 'y'), password: 'correct horse battery' });
    expect(login.status).toBe(401);
  });

  // ---- 2. Guilds ----------------------------------------------------------------------------------------------------

  it('when a member leaves a guild, then it is gone from their list, they get 404 on it, and the owner cannot leave', async () => {
    const { guildId, members } = await guildWith('Leavers', 2);
    const [leaver, stayer] = members as [TestUser, TestUser];
    expect(ids(await t.api.get('/guilds', leaver.token))).toEqual([guildId]);
    expect((await t.api.del(`/users/@me/guilds/${guildId}`, leaver.token)).status).toBe(204);
    expect((await t.api.get('/guilds', leaver.token)).body.items).toEqual([]);
    const get = await t.api.get(`/guilds/${guildId}`, leaver.token);
    expect(get.status).toBe(404);
    expect(get.body.error.code).toBe('NOT_FOUND');
    expect((await t.api.get(`/guilds/${guildId}/channels`, leaver.token)).status).toBe(404);
    const memberIds = (await t.api.get(`/guilds/${guildId}/members`, owner.token)).body.items.map(
      (m: { user: { id: string } }) => m.user.id,
    );
    expect(memberIds.sort()).toEqual([owner.id, stayer.id].sort());
    // Leaving twice: no longer a member.
    expect((await t.api.del(`/users/@me/guilds/${guildId}`, leaver.token)).status).toBe(404);
    const ownerLeave = await t.api.del(`/users/@me/guilds/${guildId}`, owner.token);
    expect(ownerLeave.status).toBe(409);
    expect(ownerLeave.body.error.code).toBe('CONFLICT');
    expect(ids(await t.api.get('/guilds', owner.token))).toContain(guildId);
  });

  it('when a banned user is unbanned, then the invite that refused them with BANNED lets them in', async () => {
    const { guildId } = await guildWith('Second chances', 0);
    const invite = (await t.api.post(`/guilds/${guildId}/invites`, {}, owner.token)).body;
    const user = await registerUser(t.api, 'banned');
    expect((await t.api.put(`/guilds/${guildId}/bans/${user.id}`, { reason: 'pre-emptive' }, owner.token)).status).toBe(204);
    const bans = await t.api.get(`/guilds/${guildId}/bans`, owner.token);
    expect(bans.body.items.map((b: { user: { id: string }; reason: string }) => [b.user.id, b.reason])).toEqual([[user.id, 'pre-emptive']]);
    const refused = await t.api.post(`/invites/${invite.code}`, undefined, user.token);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('BANNED');

    expect((await t.api.del(`/guilds/${guildId}/bans/${user.id}`, owner.token)).status).toBe(204);
    expect((await t.api.get(`/guilds/${guildId}/bans`, owner.token)).body.items).toEqual([]);
    const again = await t.api.del(`/guilds/${guildId}/bans/${user.id}`, owner.token);
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('NOT_FOUND');
    const accepted = await t.api.post(`/invites/${invite.code}`, undefined, user.token);
    expect(accepted.status).toBe(200);
    expect(accepted.body.id).toBe(guildId);
    expect(ids(await t.api.get('/guilds', user.token))).toEqual([guildId]);
    const audit = await t.api.get(`/guilds/${guildId}/audit-log?action=member.unban`, owner.token);
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({ actorId: owner.id, targetId: user.id });
  });

  it('when members are paged with limit and after=nextCursor, then every member appears once, in user id order', async () => {
    const { guildId, members } = await guildWith('Crowd', 6);
    const everyone = [owner.id, ...members.map((m) => m.id)].sort();
    const seen: string[] = [];
    const pageSizes: number[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i++) {
      const res: ApiResponse<{ items: { user: { id: string }; guildId: string }[]; nextCursor: string | null }> = await t.api.get(
        `/guilds/${guildId}/members?limit=3${after ? `&after=${after}` : ''}`,
        members[0]!.token,
      );
      expect(res.status).toBe(200);
      const page = res.body.items.map((m: { user: { id: string }; guildId: string }) => {
        expect(m.guildId).toBe(guildId);
        return m.user.id;
      });
      pageSizes.push(page.length);
      seen.push(...page);
      after = res.body.nextCursor;
      if (after === null) break;
      expect(after).toBe(page.at(-1));
    }
    expect(pageSizes).toEqual([3, 3, 1]);
    expect(seen).toEqual(everyone);
    expect(new Set(seen).size).toBe(7);
    // A full last page still hands out a cursor; the page after it is empty and ends the walk.
    const exact = await t.api.get(`/guilds/${guildId}/members?limit=7`, owner.token);
    expect(exact.body.nextCursor).toBe(everyone[6]);
    const beyond = await t.api.get(`/guilds/${guildId}/members?limit=7&after=${exact.body.nextCursor}`, owner.token);
    expect(beyond.body).toEqual({ items: [], nextCursor: null });
    expect((await t.api.get(`/guilds/${guildId}/members?limit=101`, owner.token)).status).toBe(400);
  });

  // ---- 3. Invites ---------------------------------------------------------------------------------------------------

  it("when an invite's maxUses are used up, then the next accept and the preview answer 404 INVITE_INVALID", async () => {
    const { guildId } = await guildWith('Limited', 0);
    const invite = await t.api.post(`/guilds/${guildId}/invites`, { maxUses: 1 }, owner.token);
    expect(invite.status).toBe(201);
    expect(invite.body).toMatchObject({ maxUses: 1, uses: 0 });
    const first = await registerUser(t.api, 'first');
    const second = await registerUser(t.api, 'second');
    expect((await t.api.post(`/invites/${invite.body.code}`, undefined, first.token)).status).toBe(200);
    const refused = await t.api.post(`/invites/${invite.body.code}`, undefined, second.token);
    expect(refused.status).toBe(404);
    expect(refused.body.error.code).toBe('INVITE_INVALID');
    const preview = await t.api.get(`/invites/${invite.body.code}`);
    expect(preview.status).toBe(404);
    expect(preview.body.error.code).toBe('INVITE_INVALID');
    expect((await t.api.get('/guilds', second.token)).body.items).toEqual([]);
    const listed = (await t.api.get(`/guilds/${guildId}/invites`, owner.token)).body.items.find(
      (i: { code: string }) => i.code === invite.body.code,
    );
    expect(listed).toMatchObject({ maxUses: 1, uses: 1 });
    expect(ids(await t.api.get('/guilds', first.token))).toEqual([guildId]);
  });

  it('when an invite has expired, then the preview and accepting answer 404 INVITE_INVALID', async () => {
    const { guildId } = await guildWith('Fleeting', 0);
    const invite = await t.api.post(`/guilds/${guildId}/invites`, { maxAgeSeconds: 60 }, owner.token);
    expect(invite.status).toBe(201);
    expect(Date.parse(invite.body.expiresAt) - Date.parse(invite.body.createdAt)).toBe(60_000);
    const user = await registerUser(t.api, 'late');
    expect((await t.api.get(`/invites/${invite.body.code}`)).status).toBe(200);
    clockOffsetMs = 61_000;
    try {
      const preview = await t.api.get(`/invites/${invite.body.code}`);
      expect(preview.status).toBe(404);
      expect(preview.body.error.code).toBe('INVITE_INVALID');
      const accept = await t.api.post(`/invites/${invite.body.code}`, undefined, user.token);
      expect(accept.status).toBe(404);
      expect(accept.body.error.code).toBe('INVITE_INVALID');
    } finally {
      clockOffsetMs = 0;
    }
    expect((await t.api.get('/guilds', user.token)).body.items).toEqual([]);
  });

  it('when an invite is revoked, then its preview is 404 and only the inviter or MANAGE_GUILD may revoke it', async () => {
    const { guildId, members } = await guildWith('Revocations', 2);
    const [inviter, bystander] = members as [TestUser, TestUser];
    const invite = await t.api.post(`/guilds/${guildId}/invites`, {}, inviter.token);
    expect(invite.status).toBe(201);
    const notYours = await t.api.del(`/invites/${invite.body.code}`, bystander.token);
    expect(notYours.status).toBe(403);
    expect(notYours.body.error.code).toBe('FORBIDDEN');
    expect((await t.api.get(`/invites/${invite.body.code}`)).status).toBe(200);
    expect((await t.api.del(`/invites/${invite.body.code}`, inviter.token)).status).toBe(204);
    const preview = await t.api.get(`/invites/${invite.body.code}`);
    expect(preview.status).toBe(404);
    expect(preview.body.error.code).toBe('INVITE_INVALID');
    const newcomer = await registerUser(t.api, 'newcomer');
    expect((await t.api.post(`/invites/${invite.body.code}`, undefined, newcomer.token)).body.error.code).toBe('INVITE_INVALID');
    expect((await t.api.get(`/guilds/${guildId}/invites`, owner.token)).body.items.map((i: { code: string }) => i.code)).not.toContain(
      invite.body.code,
    );
    // The owner (MANAGE_GUILD) may revoke a member's invite.
    const another = (await t.api.post(`/guilds/${guildId}/invites`, {}, bystander.token)).body;
    expect((await t.api.del(`/invites/${another.code}`, owner.token)).status).toBe(204);
    expect((await t.api.get(`/invites/${another.code}`)).status).toBe(404);
  });

  // ---- 4. Roles -----------------------------------------------------------------------------------------------------

  it('when a plain member manages roles, then every roles route is 403 FORBIDDEN and nothing changes', async () => {
    const { guildId, members } = await guildWith('Role denial', 1);
    const [member] = members as [TestUser];
    const roleId = await createRole(guildId, 'existing');
    const before = (await t.api.get(`/guilds/${guildId}/roles`, owner.token)).body.items;
    const attempts = [
      await t.api.post(`/guilds/${guildId}/roles`, { name: 'mine' }, member.token),
      await t.api.patch(`/guilds/${guildId}/roles/${roleId}`, { name: 'renamed' }, member.token),
      await t.api.del(`/guilds/${guildId}/roles/${roleId}`, member.token),
      await t.api.put(`/guilds/${guildId}/members/${member.id}/roles/${roleId}`, undefined, member.token),
      await t.api.patch(`/guilds/${guildId}/roles`, { roleIds: [roleId] }, member.token),
      await t.api.patch(`/guilds/${guildId}/members/${member.id}`, { roleIds: [roleId] }, member.token),
    ];
    expect(attempts.map((r) => r.status)).toEqual([403, 403, 403, 403, 403, 403]);
    expect(attempts.map((r) => r.body.error.code)).toEqual(Array(6).fill('FORBIDDEN'));
    expect((await t.api.get(`/guilds/${guildId}/roles`, owner.token)).body.items).toEqual(before);
    expect((await t.api.get(`/guilds/${guildId}/members/${member.id}`, owner.token)).body.roleIds).toEqual([]);
  });

  it('when a role is updated and then deleted, then the list reflects it and members lose it', async () => {
    const { guildId, members } = await guildWith('Role edits', 1);
    const [member] = members as [TestUser];
    const roleId = await createRole(guildId, 'helpers');
    await giveRole(guildId, member.id, roleId);
    const updated = await t.api.patch(
      `/guilds/${guildId}/roles/${roleId}`,
      { name: 'moderators', permissions: Permission.MANAGE_MESSAGES, color: 0xff8800 },
      owner.token,
    );
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      id: roleId,
      guildId,
      name: 'moderators',
      permissions: Permission.MANAGE_MESSAGES,
      color: 0xff8800,
      position: 1,
    });
    const listed = (await t.api.get(`/guilds/${guildId}/roles`, member.token)).body.items.find((r: { id: string }) => r.id === roleId);
    expect(listed).toEqual(updated.body);
    const everyoneRename = await t.api.patch(`/guilds/${guildId}/roles/${guildId}`, { name: 'all' }, owner.token);
    expect(everyoneRename.status).toBe(400);
    expect(everyoneRename.body.error.code).toBe('VALIDATION_FAILED');

    expect((await t.api.del(`/guilds/${guildId}/roles/${roleId}`, owner.token)).status).toBe(204);
    expect(ids(await t.api.get(`/guilds/${guildId}/roles`, owner.token))).toEqual([guildId]);
    expect((await t.api.get(`/guilds/${guildId}/members/${member.id}`, owner.token)).body.roleIds).toEqual([]);
    const again = await t.api.del(`/guilds/${guildId}/roles/${roleId}`, owner.token);
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('NOT_FOUND');
    const everyoneDelete = await t.api.del(`/guilds/${guildId}/roles/${guildId}`, owner.token);
    expect(everyoneDelete.status).toBe(400);
    expect(everyoneDelete.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('when a member with KICK_MEMBERS kicks, then only members whose highest role is below theirs can be kicked', async () => {
    const { guildId, members } = await guildWith('Hierarchy', 5);
    const [mod, senior, peer, junior, plain] = members as [TestUser, TestUser, TestUser, TestUser, TestUser];
    // Each new role starts at position 1, pushing the others up: created high → mid → low, they end up low < mid < high.
    const high = await createRole(guildId, 'high');
    const mid = await createRole(guildId, 'mid', Permission.KICK_MEMBERS);
    const low = await createRole(guildId, 'low');
    const positions = Object.fromEntries(
      (await t.api.get(`/guilds/${guildId}/roles`, owner.token)).body.items.map((r: { id: string; position: number }) => [
        r.id,
        r.position,
      ]),
    );
    expect([positions[low], positions[mid], positions[high]]).toEqual([1, 2, 3]);
    await giveRole(guildId, mod.id, mid);
    await giveRole(guildId, senior.id, high);
    await giveRole(guildId, peer.id, mid);
    await giveRole(guildId, junior.id, low);

    for (const target of [senior.id, peer.id, owner.id, mod.id]) {
      const res = await t.api.del(`/guilds/${guildId}/members/${target}`, mod.token);
      expect(res.status, `kick ${target}`).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
      expect((await t.api.get(`/guilds/${guildId}/members/${target}`, owner.token)).status).toBe(200);
    }
    expect((await t.api.del(`/guilds/${guildId}/members/${junior.id}`, mod.token)).status).toBe(204);
    expect((await t.api.del(`/guilds/${guildId}/members/${plain.id}`, mod.token)).status).toBe(204);
    const gone = await t.api.get(`/guilds/${guildId}/members/${junior.id}`, owner.token);
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('NOT_FOUND');
    expect((await t.api.get(`/guilds/${guildId}`, junior.token)).status).toBe(404);
    const remaining = (await t.api.get(`/guilds/${guildId}/members`, owner.token)).body.items.map(
      (m: { user: { id: string } }) => m.user.id,
    );
    expect(remaining.sort()).toEqual([owner.id, mod.id, senior.id, peer.id].sort());
    // A member without KICK_MEMBERS cannot kick even someone below them.
    expect((await t.api.del(`/guilds/${guildId}/members/${mod.id}`, senior.token)).status).toBe(403);
  });

  // ---- 5. Channels --------------------------------------------------------------------------------------------------

  it('when a channel is deleted, then it is gone from the list and its routes answer 404', async () => {
    const { guildId, members } = await guildWith('Channel removal', 1);
    const [member] = members as [TestUser];
    const ch = await t.api.post(`/guilds/${guildId}/channels`, { type: 'text', name: 'temporary' }, owner.token);
    expect(ch.status).toBe(201);
    const msg = await t.api.post(`/channels/${ch.body.id}/messages`, { content: 'soon gone' }, member.token);
    expect(msg.status).toBe(201);
    const denied = await t.api.del(`/channels/${ch.body.id}`, member.token);
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('FORBIDDEN');
    expect((await t.api.del(`/channels/${ch.body.id}`, owner.token)).status).toBe(204);
    expect(ids(await t.api.get(`/guilds/${guildId}/channels`, member.token))).not.toContain(ch.body.id);
    const get = await t.api.get(`/channels/${ch.body.id}`, owner.token);
    expect(get.status).toBe(404);
    expect(get.body.error.code).toBe('NOT_FOUND');
    expect((await t.api.get(`/channels/${ch.body.id}/messages`, owner.token)).status).toBe(404);
    expect((await t.api.post(`/channels/${ch.body.id}/messages`, { content: 'hello?' }, member.token)).status).toBe(404);
    expect((await t.api.del(`/channels/${ch.body.id}`, owner.token)).status).toBe(404);
    expect(await t.server.repos.messages.find(ch.body.id, msg.body.id)).toBeNull();
  });

  it('when a category has children, then they carry its id, nesting is refused, and deleting it moves them to the top level', async () => {
    const { guildId } = await guildWith('Categories', 0);
    const cat = await t.api.post(`/guilds/${guildId}/channels`, { type: 'category', name: 'Gaming' }, owner.token);
    expect(cat.status).toBe(201);
    expect(cat.body).toMatchObject({ type: 'category', parentId: null, bitrate: null, userLimit: null, topic: null });
    const text = await t.api.post(
      `/guilds/${guildId}/channels`,
      { type: 'text', name: 'lfg', parentId: cat.body.id, topic: 'find a group' },
      owner.token,
    );
    const voice = await t.api.post(`/guilds/${guildId}/channels`, { type: 'voice', name: 'Squad', parentId: cat.body.id }, owner.token);
    expect([text.status, voice.status]).toEqual([201, 201]);
    expect([text.body.parentId, voice.body.parentId]).toEqual([cat.body.id, cat.body.id]);
    expect(voice.body).toMatchObject({ bitrate: 64_000, userLimit: 0 });
    const listed = (await t.api.get(`/guilds/${guildId}/channels`, owner.token)).body.items as { id: string; parentId: string | null }[];
    expect(
      listed
        .filter((c) => c.parentId === cat.body.id)
        .map((c) => c.id)
        .sort(),
    ).toEqual([text.body.id, voice.body.id].sort());

    const nested = await t.api.post(`/guilds/${guildId}/channels`, { type: 'category', name: 'Sub', parentId: cat.body.id }, owner.token);
    expect(nested.status).toBe(400);
    expect(nested.body.error.code).toBe('VALIDATION_FAILED');
    const underText = await t.api.post(`/guilds/${guildId}/channels`, { type: 'text', name: 'x', parentId: text.body.id }, owner.token);
    expect(underText.status).toBe(400);
    expect(underText.body.error.code).toBe('VALIDATION_FAILED');
    const categoryMessages = await t.api.get(`/channels/${cat.body.id}/messages`, owner.token);
    expect(categoryMessages.status).toBe(400);
    expect(categoryMessages.body.error.code).toBe('WRONG_CHANNEL_TYPE');

    expect((await t.api.del(`/channels/${cat.body.id}`, owner.token)).status).toBe(204);
    const after = (await t.api.get(`/guilds/${guildId}/channels`, owner.token)).body.items as { id: string; parentId: string | null }[];
    expect(after.map((c) => c.id)).not.toContain(cat.body.id);
    expect(after.filter((c) => c.id === text.body.id || c.id === voice.body.id).map((c) => c.parentId)).toEqual([null, null]);
  });

  it('when voice userLimit or bitrate is out of range, then create and update answer 400, and the bounds are accepted', async () => {
    const { guildId, textId } = await guildWith('Voice limits', 0);
    const bad = [{ userLimit: 100 }, { userLimit: -1 }, { bitrate: 7_999 }, { bitrate: 384_001 }, { userLimit: 1.5 }];
    for (const fields of bad) {
      const res = await t.api.post(`/guilds/${guildId}/channels`, { type: 'voice', name: 'v', ...fields }, owner.token);
      expect(res.status, JSON.stringify(fields)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual([`body.${Object.keys(fields)[0]}`]);
    }
    const low = await t.api.post(`/guilds/${guildId}/channels`, { type: 'voice', name: 'low', userLimit: 0, bitrate: 8_000 }, owner.token);
    expect(low.status).toBe(201);
    expect(low.body).toMatchObject({ userLimit: 0, bitrate: 8_000 });
    const high = await t.api.post(
      `/guilds/${guildId}/channels`,
      { type: 'voice', name: 'high', userLimit: 99, bitrate: 384_000 },
      owner.token,
    );
    expect(high.status).toBe(201);
    expect(high.body).toMatchObject({ userLimit: 99, bitrate: 384_000 });
    for (const fields of bad) {
      const res = await t.api.patch(`/channels/${high.body.id}`, fields, owner.token);
      expect(res.status, JSON.stringify(fields)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await t.api.get(`/channels/${high.body.id}`, owner.token)).body).toMatchObject({ userLimit: 99, bitrate: 384_000 });
    // In range but on a text channel: the wrong type.
    const onText = await t.api.patch(`/channels/${textId}`, { userLimit: 5 }, owner.token);
    expect(onText.status).toBe(400);
    expect(onText.body.error.code).toBe('WRONG_CHANNEL_TYPE');
  });

  // ---- 6. Audit log -------------------------------------------------------------------------------------------------

  it('when a member is kicked and a role and a channel change, then each has an audit entry with actor, target and ISO time', async () => {
    const { guildId, textId, members } = await guildWith('Audited', 1);
    const [member] = members as [TestUser];
    const roleId = await createRole(guildId, 'audited');
    expect((await t.api.del(`/guilds/${guildId}/members/${member.id}`, owner.token)).status).toBe(204);
    expect((await t.api.patch(`/guilds/${guildId}/roles/${roleId}`, { name: 'renamed' }, owner.token)).status).toBe(200);
    expect((await t.api.patch(`/channels/${textId}`, { name: 'lobby', topic: 'hi' }, owner.token)).status).toBe(200);

    const log = await t.api.get(`/guilds/${guildId}/audit-log?limit=3`, owner.token);
    expect(log.status).toBe(200);
    expect(log.body.items).toHaveLength(3);
    const [channelEntry, roleEntry, kickEntry] = log.body.items;
    expect(channelEntry).toMatchObject({
      guildId,
      action: 'channel.update',
      actorId: owner.id,
      targetId: textId,
      details: { fields: ['name', 'topic'] },
    });
    expect(roleEntry).toMatchObject({ guildId, action: 'role.update', actorId: owner.id, targetId: roleId, details: { name: 'renamed' } });
    expect(kickEntry).toMatchObject({ guildId, action: 'member.kick', actorId: owner.id, targetId: member.id });
    for (const e of log.body.items as { createdAt: string }[]) {
      expect(e.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
      expect(new Date(e.createdAt).toISOString()).toBe(e.createdAt);
    }
    const kicks = await t.api.get(`/guilds/${guildId}/audit-log?action=member.kick`, owner.token);
    expect(kicks.body.items.map((e: { id: string }) => e.id)).toEqual([kickEntry.id]);
    expect(kicks.body.nextCursor).toBeNull();
  });

  it('when the audit log is paged with before=nextCursor, then pages are newest first, disjoint, and cover the whole log', async () => {
    const { guildId } = await guildWith('Audit pages', 0);
    for (let i = 0; i < 7; i++) expect((await t.api.post(`/guilds/${guildId}/invites`, {}, owner.token)).status).toBe(201);
    const whole = await t.api.get(`/guilds/${guildId}/audit-log?limit=100`, owner.token);
    expect(whole.body.nextCursor).toBeNull();
    const all: string[] = whole.body.items.map((e: { id: string }) => e.id);
    // guildWith's invite plus the seven above.
    expect(whole.body.items.filter((e: { action: string }) => e.action === 'invite.create')).toHaveLength(8);
    expect(all).toEqual([...all].sort().reverse());

    const paged: string[] = [];
    let before: string | null = null;
    for (let i = 0; i < 20; i++) {
      const res: ApiResponse<{ items: { id: string }[]; nextCursor: string | null }> = await t.api.get(
        `/guilds/${guildId}/audit-log?limit=3${before ? `&before=${before}` : ''}`,
        owner.token,
      );
      expect(res.status).toBe(200);
      const page = res.body.items.map((e: { id: string }) => e.id);
      expect(page.length).toBeLessThanOrEqual(3);
      paged.push(...page);
      before = res.body.nextCursor;
      if (before === null) break;
      expect(before).toBe(page.at(-1));
    }
    expect(before).toBeNull();
    expect(new Set(paged).size).toBe(paged.length);
    expect(paged).toEqual(all);
    // Filtered paging walks only that action.
    const first = await t.api.get(`/guilds/${guildId}/audit-log?action=invite.create&limit=5`, owner.token);
    expect(first.body.items).toHaveLength(5);
    const rest = await t.api.get(`/guilds/${guildId}/audit-log?action=invite.create&limit=5&before=${first.body.nextCursor}`, owner.token);
    expect(rest.body.items).toHaveLength(3);
    expect(rest.body.nextCursor).toBeNull();
    expect([...first.body.items, ...rest.body.items].every((e: { action: string }) => e.action === 'invite.create')).toBe(true);
  });
});
