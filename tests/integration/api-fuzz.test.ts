import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, stackDir } from '../../scripts/stack/paths';
import { waitFor } from '../support/wait';
import { registerUser, startTestServer, type TestServer } from './server-helpers';

/**
 * Schemathesis over the whole OpenAPI document (scripts/fuzz-api.sh): generated valid and invalid requests to every
 * operation, logged in as a guild's owner, with path ids that exist (the guild, its channels, a message, a role, an invite,
 * a member, DMs, a ringing call, a file, a session), must get no 5xx, only documented statuses, and bodies and content types that match the document. Budget:
 * PARLEY_FUZZ_MAX_TIME seconds (150 by default). Skipped only when Schemathesis cannot be installed (PyPI unreachable).
 */
const MAX_TIME_S = Number(process.env.PARLEY_FUZZ_MAX_TIME || 150);

function run(cmd: string, args: string[], env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/**
 * Schemathesis frames its sections the way pytest does ("===== 3 warnings in 150.07s ====="). CI reads a log's closing
 * lines to learn what ran, and such a line, echoed into our log, reads as a pytest run that executed no test; the
 * banners become "-- … --" here.
 */
function withoutBanners(text: string): string {
  return text.replace(/^=+ (.*?) =+$/gm, '-- $1 --');
}

/**
 * Whether a run ended only because Schemathesis crashed inside CPython, with no failure found: Hypothesis describes a
 * filtered strategy by parsing its lambda's source with `ast.parse`, and on CPython 3.11 two worker threads parsing at
 * once can trip its AST recursion bookkeeping ("SystemError: AST constructor recursion depth mismatch", CPython
 * gh-106905; the fuzzer runs `--workers 2`). It hit 3 of 6 runs on 2026-12-06, always in the coverage phase;
 * scripts/fuzz/sitecustomize.py now keeps the parses apart, and this stays as a net.
 */
function crashedInCPythonAst(output: string): boolean {
  return output.includes('AST constructor recursion depth mismatch') && !/^\s*Failures:/m.test(output) && !/=+ FAILURES =+/.test(output);
}

describe('API fuzzing (Schemathesis)', () => {
  let t: TestServer;
  const config = join(stackDir, 'fuzz', 'schemathesis.toml');

  beforeAll(async () => {
    t = await startTestServer({ AUTH_RATE_LIMIT_PER_IP: '1000000', AUTH_RATE_LIMIT_PER_ACCOUNT: '1000000' });
    const owner = await registerUser(t.api, 'fuzzowner');
    const member = await registerUser(t.api, 'fuzzmember');
    const as = owner.token;
    const post = async <T>(path: string, body: unknown, token = as): Promise<T> => {
      const res = await t.api.post<T>(path, body, token);
      if (res.status >= 300) throw new Error(`seeding ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    };
    const guild = await post<{ id: string }>('/guilds', { name: 'Fuzz' });
    const channels = (await t.api.get<{ items: { id: string; type: string }[] }>(`/guilds/${guild.id}/channels`, as)).body.items;
    const text = channels.find((c) => c.type === 'text')!;
    const message = await post<{ id: string }>(`/channels/${text.id}/messages`, { content: 'hello' });
    const role = await post<{ id: string }>(`/guilds/${guild.id}/roles`, { name: 'fuzzers' });
    const invite = await post<{ code: string }>(`/guilds/${guild.id}/invites`, {});
    await post(`/invites/${invite.code}`, undefined, member.token);
    // Operations that destroy what they are given get things of their own, so the rest keep finding theirs.
    const spareGuild = await post<{ id: string }>('/guilds', { name: 'Fuzz spare' });
    const spareChannel = await post<{ id: string }>(`/guilds/${guild.id}/channels`, { type: 'text', name: 'spare' });
    const spareMessage = await post<{ id: string }>(`/channels/${text.id}/messages`, { content: 'spare' });
    const spareRole = await post<{ id: string }>(`/guilds/${guild.id}/roles`, { name: 'spare' });
    const spareInvite = await post<{ code: string }>(`/guilds/${guild.id}/invites`, {});
    const voice = channels.find((c) => c.type === 'voice')!;
    // A third user for a group DM; a 1:1 DM in which the member calls the owner (so there is a call ringing for the owner).
    const third = await registerUser(t.api, 'fuzzthird');
    await post(`/invites/${invite.code}`, undefined, third.token);
    const group = await post<{ id: string }>('/users/@me/channels', { recipientIds: [member.id, third.id], name: 'fuzz group' });
    const spareGroup = await post<{ id: string }>('/users/@me/channels', { recipientIds: [member.id, third.id], name: 'spare group' });
    const dm = await post<{ id: string }>('/users/@me/channels', { recipientIds: [member.id] });
    const call = await post<{ call: { id: string } }>(`/channels/${dm.id}/call`, {}, member.token);
    // A file in the text channel, and a second session of the owner's for the session routes.
    const uploaded = await fetch(`${t.url}/api/v1/channels/${text.id}/attachments?filename=fuzz.txt`, {
      method: 'POST',
      headers: { authorization: `Bearer ${as}`, 'content-type': 'application/octet-stream' },
      body: new TextEncoder().encode('fuzz'),
    });
    const attachment = (await uploaded.json()) as { id: string };
    await post(`/channels/${text.id}/messages`, { content: '', attachmentIds: [attachment.id] });
    const second = await post<{ accessToken: string }>('/auth/login', { username: owner.username, password: 'correct horse battery' }, '');
    const sessions = (await t.api.get<{ items: { id: string; current: boolean }[] }>('/users/@me/sessions', second.accessToken)).body.items;
    const secondSession = sessions.find((x) => x.current)!;
    // A webhook (to a literal public address: the fuzzer's server refuses private targets and needs no DNS for it) with
    // one queued event, and a spare one to delete.
    const webhook = await post<{ id: string }>(`/guilds/${guild.id}/webhooks`, {
      name: 'fuzz hook',
      url: 'https://93.184.216.34/fuzz',
      events: ['message.created'],
    });
    const spareWebhook = await post<{ id: string }>(`/guilds/${guild.id}/webhooks`, {
      name: 'spare hook',
      url: 'https://93.184.216.34/spare',
      events: ['member.joined'],
    });
    await post(`/channels/${text.id}/messages`, { content: 'for the webhook' });
    const webhookEvent = await waitFor('a webhook event', async () => {
      const doc = await t.server.database.db.collection('webhook_events').findOne({ webhookId: webhook.id });
      return doc ? doc._id.toHexString() : undefined;
    });
    const only = (name: string, params: Record<string, string>) => [
      '[[operations]]',
      `include-name = "${name}"`,
      `parameters = { ${Object.entries(params)
        .map(([k, v]) => `"path.${k}" = "${v}"`)
        .join(', ')} }`,
      '',
    ];
    mkdirSync(join(stackDir, 'fuzz'), { recursive: true });
    writeFileSync(
      config,
      [
        // The owner's own login: a request that logs this session out (the fuzzer finds the session's id in the list of
        // sessions) is followed by a fresh login instead of 401s for the rest of the run.
        '[auth.dynamic.openapi.bearer]',
        'path = "/auth/login"',
        `payload = { username = "${owner.username}", password = "correct horse battery" }`,
        'extract_selector = "/accessToken"',
        '',
        '[parameters]',
        `"path.guildId" = "${guild.id}"`,
        `"path.channelId" = "${text.id}"`,
        `"path.messageId" = "${message.id}"`,
        `"path.roleId" = "${role.id}"`,
        `"path.code" = "${invite.code}"`,
        `"path.userId" = "${member.id}"`,
        `"path.callId" = "${call.call.id}"`,
        `"path.attachmentId" = "${attachment.id}"`,
        `"path.sessionId" = "${secondSession.id}"`,
        `"path.webhookId" = "${webhook.id}"`,
        `"path.eventId" = "${webhookEvent}"`,
        '',
        ...[
          'POST /channels/{channelId}/voice/join',
          'POST /channels/{channelId}/recordings',
          'GET /channels/{channelId}/recordings',
        ].flatMap((name) => only(name, { channelId: voice.id })),
        ...['POST /channels/{channelId}/call', 'GET /channels/{channelId}/call'].flatMap((name) => only(name, { channelId: dm.id })),
        ...only('PATCH /users/@me/channels/{channelId}', { channelId: group.id }),
        ...only('PUT /users/@me/channels/{channelId}/recipients/{userId}', { channelId: group.id, userId: member.id }),
        ...only('DELETE /users/@me/channels/{channelId}/recipients/{userId}', { channelId: spareGroup.id, userId: third.id }),
        ...only('DELETE /users/@me/channels/{channelId}', { channelId: spareGroup.id }),
        ...only('DELETE /guilds/{guildId}', { guildId: spareGuild.id }),
        ...only('DELETE /channels/{channelId}', { channelId: spareChannel.id }),
        ...only('DELETE /channels/{channelId}/messages/{messageId}', { channelId: text.id, messageId: spareMessage.id }),
        ...only('DELETE /guilds/{guildId}/roles/{roleId}', { guildId: guild.id, roleId: spareRole.id }),
        ...only('DELETE /invites/{code}', { code: spareInvite.code }),
        ...only('DELETE /guilds/{guildId}/webhooks/{webhookId}', { guildId: guild.id, webhookId: spareWebhook.id }),
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await t?.stop();
  });

  it(
    'when Schemathesis fuzzes every operation with a valid token, then it finds no 5xx, no undocumented status and no schema break',
    async (ctx) => {
      // In the test, not in beforeAll: the first install (a fresh CI machine) takes longer than a hook may.
      const installed = await run(join(repoRoot, 'scripts', 'fuzz-api.sh'), ['--install-only'], {});
      if (installed.code === 3) ctx.skip(`Schemathesis could not be installed: ${installed.output.trim().split('\n').pop() ?? ''}`);
      expect(installed.code, installed.output).toBe(0);
      const fuzz = async () => {
        const started = Date.now();
        const result = await run(join(repoRoot, 'scripts', 'fuzz-api.sh'), [`${t.url}/api/v1/openapi.json`, '--url', `${t.url}/api/v1`], {
          PARLEY_FUZZ_CONFIG: config,
          PARLEY_FUZZ_MAX_TIME: String(MAX_TIME_S),
          PARLEY_FUZZ_REPORT_DIR: join(stackDir, 'fuzz'),
        });
        // The summary (operations, cases, failures with a curl line to reproduce each) is the useful part of a failure.
        const summary = withoutBanners(result.output.slice(-20_000));
        console.log(`[fuzz] schemathesis took ${Math.round((Date.now() - started) / 1000)} s\n${summary.slice(-3000)}`);
        return { ...result, summary };
      };
      let result = await fuzz();
      if (result.code !== 0 && crashedInCPythonAst(result.output)) {
        // Not a finding about our API: the tool itself crashed. Once more (a new seed unless PARLEY_FUZZ_SEED fixes
        // one); a second crash fails.
        console.log('[fuzz] Schemathesis crashed in CPython (gh-106905, see crashedInCPythonAst) and found no failure: running it again');
        result = await fuzz();
      }
      expect(result.code, result.summary).toBe(0);
    },
    // Room for the one rerun after a crash.
    (2 * MAX_TIME_S + 420) * 1000,
  );
});
