import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/stack/tools';
import { testServerEnv } from '../support/env';
import { waitFor } from '../support/wait';

const MAIN = fileURLToPath(new URL('../../server/src/main.ts', import.meta.url));

/** Worker pids of the supervisor: its children running main.ts (tsx may also run an esbuild service child). */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid), '-f', 'server/src/main.ts'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when there are none
  }
}

/** What the supervisor and its workers printed, for the failure message. */
let output = '';

/** waitFor, with what the server printed in the failure message. */
function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 90_000): Promise<T> {
  return waitFor(what, async () => probe(), timeoutMs).catch((err: Error) => {
    throw new Error(`${err.message}; server output:\n${output.slice(-3000)}`);
  });
}

describe('SERVER_WORKERS', () => {
  let supervisor: ChildProcess | undefined;
  afterAll(() => {
    if (supervisor?.exitCode === null) supervisor.kill('SIGKILL');
  });

  // Three Node processes compiling TypeScript at once: slow while other test files load the machine.
  it(
    'when started with 2 workers, then both serve on one port, a dead worker is replaced, and SIGTERM stops them all',
    { timeout: 240_000 },
    async () => {
      const port = await freePort();
      const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
        env: {
          ...process.env,
          ...testServerEnv('parley_test_workers'),
          LOG_LEVEL: 'info',
          HOST: '127.0.0.1',
          PORT: String(port),
          SERVER_WORKERS: '2',
          VOICE_RECONCILE_INTERVAL_MS: '0',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      supervisor = child;
      output = '';
      child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const base = `http://127.0.0.1:${port}/api/v1`;
      const answers = async () => ((await fetch(`${base}/openapi.json`).catch(() => null))?.ok ? true : undefined);

      await until('the server to answer', answers);
      const workers = await until('two workers', () => (childrenOf(child.pid!).length === 2 ? childrenOf(child.pid!) : undefined));

      // Served end to end by whichever worker takes the connection: register, then read back with the token.
      const res = await fetch(`${base}/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: `w_${Date.now().toString(36)}`, password: 'correct horse battery' }),
      });
      expect(res.status).toBe(201);
      const { accessToken } = (await res.json()) as { accessToken: string };
      for (let i = 0; i < 4; i++) {
        const me = await fetch(`${base}/users/@me`, { headers: { authorization: `Bearer ${accessToken}`, connection: 'close' } });
        expect(me.status).toBe(200);
      }

      process.kill(workers[0]!, 'SIGKILL');
      const replaced = await until('a replacement worker', () => {
        const now = childrenOf(child.pid!);
        return now.length === 2 && !now.includes(workers[0]!) ? now : undefined;
      });
      expect(replaced).toContain(workers[1]);
      await until('the server to answer again', answers);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(childrenOf(child.pid!)).toEqual([]);
    },
  );
});
