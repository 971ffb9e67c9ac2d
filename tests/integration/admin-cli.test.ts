/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are asserted field by field */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait';
import { guildWithMember, registerUser, startTestServer, type TestServer } from './server-helpers';

const root = join(import.meta.dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `npm run admin -- …` as an admin runs it: a child process (scripts/admin.ts, what the npm script starts) against the
 * database of an in-process server, which must see what the CLI changed.
 */
describe('admin CLI', () => {
  let t: TestServer;
  let env: Record<string, string>;

  function admin(args: string[], opts: { stdin?: string; command?: [string, string[]] } = {}): Promise<Run> {
    const [command, prefix] = opts.command ?? [tsx, ['scripts/admin.ts']];
    return new Promise((resolve, reject) => {
      const child = spawn(command, [...prefix, ...args], { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(opts.stdin ?? '');
    });
  }
  const passwordIn = (run: Run) => /^Password: (\S+)$/m.exec(run.stdout)?.[1];
  const login = (username: string, password: string) => t.api.post('/auth/login', { username, password });

  beforeAll(async () => {
    t = await startTestServer();
    const c = t.config;
    env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      NODE_ENV: 'test',
      MONGODB_URI: c.MONGODB_URI,
      MONGODB_DB: c.MONGODB_DB,
      REDIS_URL: c.REDIS_URL ?? '',
      LIVEKIT_URL: c.LIVEKIT_URL,
      LIVEKIT_PUBLIC_URL: c.LIVEKIT_PUBLIC_URL,
      LIVEKIT_API_KEY: c.LIVEKIT_API_KEY,
      LIVEKIT_API_SECRET: c.LIVEKIT_API_SECRET,
      JWT_SECRET: c.JWT_SECRET,
    };
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('when the command line is wrong, then it prints the usage and exits 2, through npm run too', async () => {
    const none = await admin([], { command: ['npm', ['run', '--silent', 'admin', '--']] });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: npm run admin -- <command>');
    const wrong = [
      ['frobnicate'],
      ['create-user'],
      ['create-user', 'no spaces allowed'],
      ['list-guilds', '--guild', 'x'],
      ['set-owner', 'not-an-id', 'someone'],
      ['migrate', '--bogus'],
    ];
    const runs = await Promise.all(wrong.map((args) => admin(args)));
    expect(runs.map((r) => r.code)).toEqual(wrong.map(() => 2));
    for (const r of runs) expect(r.stderr).toContain('Usage: npm run admin');
    const help = await admin(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('purge-messages <username|userId>');
  });

  it('when an admin creates a user, then the printed password logs in; a taken name fails with exit 1; --password-stdin takes the given one', async () => {
    const created = await admin(['create-user', 'cli_alice']);
    expect(created.code).toBe(0);
    const password = passwordIn(created);
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect((await login('cli_alice', password!)).status).toBe(200);

    const taken = await admin(['create-user', 'CLI_Alice']);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('taken');
    // A look-alike (a capital I for each l) is the same name: the skeleton index refuses it too.
    const alike = await admin(['create-user', 'cIi_aIice']);
    expect(alike.code).toBe(1);
    expect(alike.stderr).toContain('taken');

    const fromStdin = await admin(['create-user', 'cli_bob', '--password-stdin'], { stdin: 'bobs own password\n' });
    expect(fromStdin.code).toBe(0);
    expect(passwordIn(fromStdin)).toBeUndefined();
    expect((await login('cli_bob', 'bobs own password')).status).toBe(200);
    expect((await admin(['create-user', 'cli_carol', '--password-stdin'], { stdin: 'short' })).code).toBe(2);
  });

  it('when an admin resets a password, then only the new one logs in and the refresh tokens are revoked', async () => {
    const u = await registerUser(t.api, 'cli_reset');
    const reset = await admin(['reset-password', u.username]);
    expect(reset.code).toBe(0);
    const password = passwordIn(reset)!;
    expect((await login(u.username, 'correct horse battery')).status).toBe(401);
    expect((await login(u.username, password)).status).toBe(200);
    expect((await t.api.post('/auth/refresh', { refreshToken: u.refreshToken })).status).toBe(401);
    expect((await admin(['reset-password', 'nobody_by_that_name'])).code).toBe(1);
  });

  it('when an admin disables a user, then they cannot log in or refresh and their access token is refused; enabling lets them back', async () => {
    const u = await registerUser(t.api, 'cli_dis');
    expect((await t.api.get('/users/@me', u.token)).status).toBe(200);
    const disabled = await admin(['disable-user', u.username]);
    expect(disabled.code).toBe(0);

    const refused = await login(u.username, 'correct horse battery');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    expect((await login(u.username, 'wrong password')).body.error.code).toBe('INVALID_CREDENTIALS');
    expect((await t.api.post('/auth/refresh', { refreshToken: u.refreshToken })).status).toBe(401);
    // The CLI tells the server through Redis; the in-process server drops its cached record on that message.
    await waitFor('access token refused', async () => ((await t.api.get('/users/@me', u.token)).status === 401 ? true : undefined), 5_000);

    expect((await admin(['enable-user', u.username])).code).toBe(0);
    expect((await login(u.username, 'correct horse battery')).status).toBe(200);
  });

  it('when an admin sets a guild owner, then the new owner (added as a member) owns it, the audit log says so, and list-guilds shows it', async () => {
    const owner = await registerUser(t.api, 'cli_owner');
    const member = await registerUser(t.api, 'cli_member');
    const heir = await registerUser(t.api, 'cli_heir');
    const { guildId } = await guildWithMember({ api: t.api, user: owner }, { api: t.api, user: member }, 'CLI guild');

    const set = await admin(['set-owner', guildId, heir.username]);
    expect(set.code).toBe(0);
    expect(set.stdout).toContain('was not a member');
    await waitFor(
      'new owner visible',
      async () => ((await t.api.get(`/guilds/${guildId}`, heir.token)).body.ownerId === heir.id ? true : undefined),
      5_000,
    );
    expect((await t.api.del(`/guilds/${guildId}`, owner.token)).status).toBe(403);
    const audit = (await t.api.get(`/guilds/${guildId}/audit-log?action=guild.update`, heir.token)).body.items;
    expect(audit[0]).toMatchObject({ actorId: null, targetId: guildId, details: { ownerId: heir.id, via: 'admin-cli' } });

    expect((await admin(['set-owner', 'ffffffffffffffffffffffff', heir.username])).code).toBe(1);
    const list = await admin(['list-guilds', '--json']);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toContainEqual(
      expect.objectContaining({ id: guildId, name: 'CLI guild', owner: heir.username, members: 3 }),
    );
    const table = await admin(['list-guilds']);
    expect(table.stdout).toMatch(new RegExp(`^${guildId}\\s+CLI guild\\s+${heir.username}\\s+3$`, 'm'));
  });

  it('when an admin purges a user’s recent messages, then exactly those go, others’ and older ones stay, and the guild’s audit log records it', async () => {
    const owner = await registerUser(t.api, 'cli_powner');
    const member = await registerUser(t.api, 'cli_pmember');
    const { guildId, textId } = await guildWithMember({ api: t.api, user: owner }, { api: t.api, user: member }, 'CLI purge');
    const [old] = await t.server.repos.messages.importMessages(textId, guildId, [
      { authorId: member.id, content: 'old', nonce: null, mentions: [], createdAt: new Date(Date.now() - 7_200_000), editedAt: null },
    ]);
    const recent = (await t.api.post(`/channels/${textId}/messages`, { content: 'recent' }, member.token)).body.id;
    const owners = (await t.api.post(`/channels/${textId}/messages`, { content: 'owner' }, owner.token)).body.id;

    const purge = await admin(['purge-messages', member.username, '--guild', guildId, '--since-seconds', '3600']);
    expect(purge.code).toBe(0);
    expect(purge.stdout).toContain('Deleted 1 message(s)');
    const ids = (await t.api.get(`/channels/${textId}/messages`, owner.token)).body.items
      .filter((m: any) => m.type === 'default')
      .map((m: any) => m.id);
    expect(ids).toEqual([owners, old]);
    expect(ids).not.toContain(recent);
    const audit = (await t.api.get(`/guilds/${guildId}/audit-log?action=message.purge`, owner.token)).body.items;
    expect(audit[0]).toMatchObject({ actorId: null, targetId: member.id, details: { deleted: 1, sinceSeconds: 3600, via: 'admin-cli' } });

    const everything = await admin(['purge-messages', member.username]);
    expect(everything.stdout).toContain('Deleted 1 message(s)');
    expect(
      (await t.api.get(`/channels/${textId}/messages`, owner.token)).body.items
        .filter((m: any) => m.type === 'default')
        .map((m: any) => m.id),
    ).toEqual([owners]);
    expect((await admin(['purge-messages', member.username, '--since-seconds', 'soon'])).code).toBe(2);
  });

  it('when an admin runs migrate on a database the server already migrated, then nothing is pending', async () => {
    const migrate = await admin(['migrate']);
    expect(migrate.stderr).toBe('');
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toMatch(/^No pending migrations\.$/m);
  });
});
