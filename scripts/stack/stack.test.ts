import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runningPid, startDaemon, stopDaemon } from './daemon';
import { createContext, parseEnvFile, type StackContext } from './profiles';
import { livekitTemplate, renderTemplate } from './services/livekit';
import { assertPortFree } from './tools';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A context whose run/log/data folders are private temp dirs, so daemon tests touch no real stack. */
function tempContext(): StackContext {
  const dir = mkdtempSync(join(tmpdir(), 'parley-stack-test-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return { ...createContext('test'), dirs: { data: dir, run: dir, logs: dir } };
}

function processesInGroup(pgid: number): number[] {
  const out = spawnSync('ps', ['-eo', 'pid=,pgid=,stat='], { encoding: 'utf8' }).stdout;
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, group, stat]) => Number(group) === pgid && !stat?.startsWith('Z'))
    .map(([pid]) => Number(pid));
}

describe('stack configuration', () => {
  it('when the LiveKit template is rendered for the test profile, then it binds loopback and sends webhooks to port 8180', () => {
    const ctx = createContext('test', {});
    const yaml = renderTemplate(readFileSync(livekitTemplate, 'utf8'), {
      LIVEKIT_PORT: String(ctx.ports.livekit.port),
      LIVEKIT_RTC_TCP_PORT: String(ctx.ports.livekitRtcTcp.port),
      LIVEKIT_RTC_UDP_PORT: String(ctx.ports.livekitRtcUdp.port),
      REDIS_ADDRESS: `127.0.0.1:${ctx.ports.redis.port}`,
      LIVEKIT_API_KEY: 'APIkey',
      LIVEKIT_API_SECRET: 's'.repeat(32),
      WEBHOOK_URL: ctx.webhookUrl,
    });
    expect(yaml).toContain('port: 7980');
    expect(yaml).toMatch(/bind_addresses:\s*\n\s*- 127\.0\.0\.1/);
    expect(yaml).toContain('udp_port: 7982');
    expect(yaml).toContain('address: 127.0.0.1:6479');
    expect(yaml).toContain('- http://127.0.0.1:8180/api/v1/livekit/webhook');
    expect(yaml).not.toContain('${');
    expect(yaml).not.toMatch(/^\s*#/m);
  });

  it('when a template placeholder has no value, then rendering fails naming it', () => {
    expect(() => renderTemplate('port: ${LIVEKIT_PORT}\nkeys: ${NOPE}', { LIVEKIT_PORT: '1' })).toThrow(/\$\{NOPE\}/);
  });

  it('when a port env var is set, then the profile uses it; when it is not a port, then it is rejected', () => {
    expect(createContext('test', { PARLEY_TEST_LIVEKIT_PORT: '7999' }).ports.livekit).toEqual({
      port: 7999,
      envVar: 'PARLEY_TEST_LIVEKIT_PORT',
    });
    expect(createContext('dev', { PORT: '9090' }).webhookUrl).toBe('http://127.0.0.1:9090/api/v1/livekit/webhook');
    expect(() => createContext('dev', { PARLEY_REDIS_PORT: 'abc' })).toThrow(/PARLEY_REDIS_PORT=abc/);
  });

  it('when the test profile runs, then its secrets come from its own file, never from the shell', () => {
    const ctx = createContext('test', { LIVEKIT_API_SECRET: 'from-the-shell' });
    expect(ctx.secrets.LIVEKIT_API_SECRET).not.toBe('from-the-shell');
    expect(ctx.secrets.LIVEKIT_API_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(ctx.secrets.JWT_SECRET.length).toBeGreaterThanOrEqual(32);
  });

  it('parses KEY=value lines and ignores comments', () => {
    expect(parseEnvFile('# note\nA=1\n B = two \nnot a line\n')).toEqual({ A: '1', B: 'two' });
  });
});

describe('stack processes', () => {
  it('when a port is taken, then the error names the port and the env var to change', async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as { port: number }).port;
    await expect(assertPortFree('redis', { port, envVar: 'PARLEY_REDIS_PORT' })).rejects.toThrow(
      new RegExp(`port ${port} .*PARLEY_REDIS_PORT=<port>`),
    );
  });

  it('when a daemon that forked a child is stopped, then no process of its group is left', async () => {
    const ctx = tempContext();
    const pid = await startDaemon(ctx, {
      name: 'sleeper',
      command: '/bin/sh',
      args: ['-c', 'sleep 60 & sleep 60; wait'],
      health: async () => ({ healthy: true }),
      startTimeoutMs: 5_000,
    });
    cleanups.push(async () => void (await stopDaemon(ctx, 'sleeper', 500)));
    await expect.poll(() => processesInGroup(pid).length).toBeGreaterThanOrEqual(2);
    expect(runningPid(ctx, 'sleeper')).toBe(pid);

    expect(await stopDaemon(ctx, 'sleeper')).toBe(true);
    expect(processesInGroup(pid)).toEqual([]);
    expect(runningPid(ctx, 'sleeper')).toBeUndefined();
    expect(await stopDaemon(ctx, 'sleeper')).toBe(false);
  });

  it('when a daemon exits during start, then start fails quoting its log', async () => {
    const ctx = tempContext();
    await expect(
      startDaemon(ctx, {
        name: 'crasher',
        command: '/bin/sh',
        args: ['-c', 'echo boom-from-crasher; exit 7'],
        health: async () => ({ healthy: false, reason: 'never' }),
        startTimeoutMs: 5_000,
      }),
    ).rejects.toThrow(/exited during start \(code 7\)[\s\S]*boom-from-crasher/);
  });
});
