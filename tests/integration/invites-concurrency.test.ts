/**
 * Invites under concurrent accepts (issue 13): every accept takes a use by inserting a document under a unique index,
 * which is atomic on MongoDB 7 and on FerretDB 1.24 alike, so a limited invite admits exactly `maxUses` people and an
 * unlimited one admits everyone, with `uses` counting them exactly.
 */
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, startTestServer, type ApiResponse, type TestServer, type TestUser } from './server-helpers';

describe('invites accepted by many people at once', () => {
  let t: TestServer;
  let owner: TestUser;
  let mongo: MongoClient;

  beforeAll(async () => {
    t = await startTestServer();
    owner = await registerUser(t.api, 'owner');
    mongo = await new MongoClient(t.config.MONGODB_URI).connect();
  });
  afterAll(async () => {
    await mongo?.close();
    await t?.stop();
  });

  /** Use documents left in storage for `code` (what the API cannot show once the invite is gone). */
  const storedUses = (code: string) => mongo.db(t.config.MONGODB_DB).collection('invite_uses').countDocuments({ code });

  async function guildWithInvite(name: string, maxUses: number): Promise<{ guildId: string; code: string }> {
    const guild = await t.api.post('/guilds', { name }, owner.token);
    expect(guild.status).toBe(201);
    const invite = await t.api.post(`/guilds/${guild.body.id}/invites`, { maxUses }, owner.token);
    expect(invite.status).toBe(201);
    return { guildId: guild.body.id, code: invite.body.code };
  }

  /** `n` new users, then all of them accept `code` at the same moment. */
  async function acceptAtOnce(
    code: string,
    n: number,
  ): Promise<{ users: TestUser[]; responses: ApiResponse<{ error?: { code: string } }>[] }> {
    const users: TestUser[] = [];
    for (let i = 0; i < n; i++) users.push(await registerUser(t.api, 'joiner'));
    const responses = await Promise.all(users.map((u) => t.api.post(`/invites/${code}`, undefined, u.token)));
    return { users, responses };
  }

  async function memberIds(guildId: string): Promise<string[]> {
    const ids: string[] = [];
    let after: string | null = null;
    do {
      const page: ApiResponse<{ items: { user: { id: string } }[]; nextCursor: string | null }> = await t.api.get(
        `/guilds/${guildId}/members?limit=100${after ? `&after=${after}` : ''}`,
        owner.token,
      );
      expect(page.status).toBe(200);
      ids.push(...page.body.items.map((m) => m.user.id));
      after = page.body.nextCursor;
    } while (after);
    return ids;
  }

  async function usesOf(guildId: string, code: string): Promise<number> {
    const list = await t.api.get(`/guilds/${guildId}/invites`, owner.token);
    expect(list.status).toBe(200);
    return list.body.items.find((i: { code: string }) => i.code === code).uses;
  }

  it('when the server has booted, then invite uses carry their unique index, and ensuring indexes again changes nothing', async () => {
    const names = async () =>
      (
        await mongo
          .db(t.config.MONGODB_DB)
          .collection('invite_uses')
          .listIndexes()
          .toArray()
          .catch(() => [])
      )
        .map((i) => i.name as string)
        .sort();
    const afterBoot = await names();
    // Every boot after the first finds them there (FerretDB 1.24 drops the connection if asked to create them again).
    await t.server.repos.invites.ensureIndexes();
    await t.server.repos.invites.ensureIndexes();
    expect(await names()).toEqual(['_id_', 'code_slot_unique', 'guild']);
    expect(afterBoot).toEqual(['_id_', 'code_slot_unique', 'guild']);
  });

  it('when 10 people accept a single-use invite at once, then exactly one joins and the other 9 get INVITE_INVALID', async () => {
    // Several rounds: the old compare-and-set let a second joiner through in about half of them.
    for (let round = 0; round < 5; round++) {
      const { guildId, code } = await guildWithInvite(`Single use ${round}`, 1);
      const { users, responses } = await acceptAtOnce(code, 10);

      const joined = users.filter((_, i) => responses[i]!.status === 200).map((u) => u.id);
      expect(joined).toHaveLength(1);
      const refused = responses.filter((r) => r.status !== 200);
      expect(refused).toHaveLength(9);
      for (const r of refused) expect(r.body.error?.code).toBe('INVITE_INVALID');

      const members = await memberIds(guildId);
      expect(members.filter((id) => users.some((u) => u.id === id))).toEqual(joined);
      expect(members).toHaveLength(2); // the owner and the one joiner
      expect(await usesOf(guildId, code)).toBe(1);
    }
  });

  it('when 20 people accept an unlimited invite at once, then all 20 join and uses is 20', async () => {
    const { guildId, code } = await guildWithInvite('Unlimited', 0);
    const { users, responses } = await acceptAtOnce(code, 20);

    expect(responses.map((r) => r.status)).toEqual(users.map(() => 200));
    const members = await memberIds(guildId);
    expect(members).toHaveLength(21);
    for (const u of users) expect(members).toContain(u.id);
    expect(await usesOf(guildId, code)).toBe(20);
  });

  it('when 12 people accept a 5-use invite at once, then exactly 5 join and uses is 5', async () => {
    const { guildId, code } = await guildWithInvite('Five uses', 5);
    const { users, responses } = await acceptAtOnce(code, 12);

    expect(responses.filter((r) => r.status === 200)).toHaveLength(5);
    for (const r of responses.filter((r) => r.status !== 200)) expect(r.body.error?.code).toBe('INVITE_INVALID');
    const members = await memberIds(guildId);
    expect(members).toHaveLength(6);
    expect(members.filter((id) => users.some((u) => u.id === id))).toHaveLength(5);
    expect(await usesOf(guildId, code)).toBe(5);

    // Used up: the preview says so too.
    expect((await t.api.get(`/invites/${code}`)).body.error.code).toBe('INVITE_INVALID');
  });

  it('when a member accepts an invite again, then no use is taken', async () => {
    const { guildId, code } = await guildWithInvite('Rejoin', 2);
    const [member] = (await acceptAtOnce(code, 1)).users;
    expect((await t.api.post(`/invites/${code}`, undefined, member!.token)).status).toBe(200);
    expect(await usesOf(guildId, code)).toBe(1);
  });

  it('when the same person accepts a limited invite 5 times at once, then every accept answers the guild and one use is taken', async () => {
    const { guildId, code } = await guildWithInvite('Same person', 10);
    const member = await registerUser(t.api, 'eager');
    const responses = await Promise.all(Array.from({ length: 5 }, () => t.api.post(`/invites/${code}`, undefined, member.token)));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await usesOf(guildId, code)).toBe(1);
    expect(await memberIds(guildId)).toContain(member.id);
  });

  it('when an invite or its guild is deleted, then its uses are deleted with it', async () => {
    const first = await guildWithInvite('Delete invite', 3);
    await acceptAtOnce(first.code, 2);
    const second = await guildWithInvite('Delete guild', 0);
    await acceptAtOnce(second.code, 2);
    expect(await storedUses(first.code)).toBe(2);
    expect(await storedUses(second.code)).toBe(2);

    expect((await t.api.del(`/invites/${first.code}`, owner.token)).status).toBe(204);
    expect((await t.api.del(`/guilds/${second.guildId}`, owner.token)).status).toBe(204);
    expect(await storedUses(first.code)).toBe(0);
    expect(await storedUses(second.code)).toBe(0);
    expect((await t.api.post(`/invites/${first.code}`, undefined, (await registerUser(t.api, 'late')).token)).body.error.code).toBe(
      'INVITE_INVALID',
    );
  });

  it('when an invite stored before use documents had reached its uses, then it stays used up and lists its count', async () => {
    const { guildId, code } = await guildWithInvite('Legacy', 1);
    expect((await mongo.db(t.config.MONGODB_DB).collection('invites').findOne({ code }))?.uses).toBeUndefined(); // counted, never stored
    const legacy = { guildId, inviterId: owner.id, expiresAt: null, createdAt: new Date() };
    await mongo
      .db(t.config.MONGODB_DB)
      .collection('invites')
      .insertMany([
        { ...legacy, code: 'legacyFull1', maxUses: 2, uses: 2 },
        { ...legacy, code: 'legacyOpen1', maxUses: 0, uses: 7 },
      ]);

    const late = await registerUser(t.api, 'late');
    const [full, open] = await Promise.all([
      t.api.post('/invites/legacyFull1', undefined, late.token),
      t.api.post('/invites/legacyOpen1', undefined, late.token),
    ]);
    expect(full.body.error.code).toBe('INVITE_INVALID');
    expect(open.status).toBe(200);
    expect(await usesOf(guildId, 'legacyFull1')).toBe(2);
    expect(await usesOf(guildId, 'legacyOpen1')).toBe(8);
    const stored = await mongo
      .db(t.config.MONGODB_DB)
      .collection('invites')
      .find({ code: { $in: ['legacyFull1', 'legacyOpen1'] } })
      .toArray();
    expect(stored.map((d) => d.uses)).toEqual([undefined, undefined]);
  });
});
