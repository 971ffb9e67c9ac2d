import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillUsernameSkeletons, collidingSkeletonKey, usernameSkeletons } from '../../server/src/db/migrations/006-username-skeletons';
import { createLogger } from '../../server/src/logger';
import { createUsersRepo, deletedUsernameKey } from '../../server/src/modules/users/users.repo';
import { usernameSkeleton } from '../../server/src/modules/users/username-skeleton';
import { useTestDatabase } from '../support/database';
import { registerUser, startTestServer, type TestServer } from './server-helpers';

const password = 'correct horse battery';

describe('names and texts over the API', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ AUTH_RATE_LIMIT_PER_ACCOUNT: '1000' });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('when "paypal" exists, then a look-alike ("paypa1", "PayPaI") answers 409 USERNAME_TAKEN and a Cyrillic "pаypal" 400', async () => {
    expect((await t.api.post('/auth/register', { username: 'paypal', password })).status).toBe(201);
    for (const username of ['paypa1', 'PayPaI', 'PAYPAL']) {
      const res = await t.api.post('/auth/register', { username, password });
      expect(res.status, username).toBe(409);
      expect(res.body.error.code).toBe('USERNAME_TAKEN');
    }
    const cyrillic = await t.api.post('/auth/register', { username: 'p\u0430ypal', password });
    expect(cyrillic.status).toBe(400);
    expect((await t.api.post('/auth/register', { username: 'paypal2', password })).status).toBe(201);
  });

  it('when several look-alike names register at once, then exactly one wins (the unique skeleton index decides)', async () => {
    const names = ['m00n', 'rnoon', 'M0ON', 'moon', 'rn0on', 'MOOn'];
    const results = await Promise.all(names.map((username) => t.api.post('/auth/register', { username, password })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
  });

  it('when a user renames to a look-alike of another account, then it answers 409 and the name stays', async () => {
    const holder = await registerUser(t.api, 'holder');
    const other = await registerUser(t.api, 'other');
    // 'holder7_…' → 'H0LDER7_…': a zero for the o and another case. Only the fixed prefix changes: the random suffix
    // may hold an 'i', and 'I' is a look-alike of 'l', not of 'i', so upper-casing it would make a different name.
    const alike = `H0LDER${holder.username.slice('holder'.length)}`;
    const res = await t.api.patch('/users/@me', { username: alike, currentPassword: password }, other.token);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('USERNAME_TAKEN');
    expect((await t.api.get('/users/@me', other.token)).body.username).toBe(other.username);
    // Renaming to a look-alike of one's own name is fine.
    const self = await t.api.patch('/users/@me', { username: other.username.toUpperCase(), currentPassword: password }, other.token);
    expect(self.status).toBe(200);
  });

  it("when a user renames to another account's name in capitals and it holds an i, then 409 (the case-blind index decides: 'I' is no look-alike of 'i')", async () => {
    const holder = await registerUser(t.api, 'iris');
    const other = await registerUser(t.api, 'renamer');
    const res = await t.api.patch('/users/@me', { username: holder.username.toUpperCase(), currentPassword: password }, other.token);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('USERNAME_TAKEN');
    expect((await t.api.get('/users/@me', other.token)).body.username).toBe(other.username);
  });

  it('when a name or a message holds NUL or a bidi override, then it answers 400 INVALID_CHARACTERS and writes nothing', async () => {
    const u = await registerUser(t.api, 'texter');
    const guild = await t.api.post('/guilds', { name: 'evil\u202Etxt.exe' }, u.token);
    expect(guild.status).toBe(400);
    expect(guild.body.error.code).toBe('INVALID_CHARACTERS');
    expect(guild.body.error.details[0].path).toBe('body.name');
    expect((await t.api.get('/guilds', u.token)).body.items).toEqual([]);

    const ok = await t.api.post<{ id: string }>('/guilds', { name: 'fine' }, u.token);
    const channels = await t.api.get<{ items: { id: string; type: string }[] }>(`/guilds/${ok.body.id}/channels`, u.token);
    const text = channels.body.items.find((c) => c.type === 'text')!;
    const nul = await t.api.post(`/channels/${text.id}/messages`, { content: 'hi\u0000there' }, u.token);
    expect(nul.status).toBe(400);
    expect(nul.body.error.code).toBe('INVALID_CHARACTERS');
    const multiline = await t.api.post(`/channels/${text.id}/messages`, { content: 'line one\n\tline two' }, u.token);
    expect(multiline.status).toBe(201);
    const display = await t.api.patch('/users/@me', { displayName: 'Ann\u2066' }, u.token);
    expect(display.status).toBe(400);
    expect(display.body.error.code).toBe('INVALID_CHARACTERS');
  });
});

describe('migration 006-username-skeletons', () => {
  const { db } = useTestDatabase('parley_test_migration_006');

  it('when accounts with look-alike names exist, then it fills every key, reports the collisions and the unique index builds', async () => {
    const users = db().collection('users');
    const row = (username: string, extra: Record<string, unknown> = {}) => ({
      _id: new ObjectId(),
      username,
      usernameLower: username.toLowerCase(),
      displayName: username,
      passwordHash: 'x',
      createdAt: new Date(),
      ...extra,
    });
    const paypal = row('paypal');
    const paypa1 = row('paypa1');
    const payPaI = row('PayPaI');
    const alice = row('alice');
    const deletedId = new ObjectId();
    const deleted = row('Deleted user', {
      _id: deletedId,
      usernameLower: deletedUsernameKey(deletedId.toHexString()),
      deletedAt: new Date(),
    });
    await users.insertMany([paypal, paypa1, payPaI, alice, deleted]);

    const report = await backfillUsernameSkeletons(db());
    expect(report.filled).toBe(5);
    expect(report.collisions.map((c) => [c.username, c.sameAs.username])).toEqual([
      ['paypa1', 'paypal'],
      ['PayPaI', 'paypal'],
    ]);
    const keys = new Map((await users.find({}).toArray()).map((d) => [d.username as string, d.usernameSkeleton as string]));
    expect(keys.get('paypal')).toBe(usernameSkeleton('paypal'));
    expect(keys.get('paypa1')).toBe(collidingSkeletonKey(paypa1._id.toHexString()));
    expect(keys.get('alice')).toBe(usernameSkeleton('alice'));
    expect(keys.get('Deleted user')).toBe(deletedUsernameKey(deletedId.toHexString()));

    // The index the repository makes now builds, and holds: another look-alike cannot be inserted.
    const repo = createUsersRepo(db());
    await repo.ensureIndexes();
    const dup = await repo.insert({
      id: new ObjectId().toHexString(),
      username: 'PAYPAl',
      displayName: 'x',
      passwordHash: 'x',
      createdAt: new Date(),
    });
    expect(dup).toBeNull();

    // Rerun (a crash before umzug recorded it): nothing left to fill, nothing reported.
    await usernameSkeletons.up({ db: db(), log: createLogger('silent') });
    expect(await backfillUsernameSkeletons(db())).toEqual({ filled: 0, collisions: [] });
  });
});
