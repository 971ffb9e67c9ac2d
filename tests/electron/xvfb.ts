import type { ChildProcess } from 'node:child_process';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { canReachX11 } from '../../src-main/os/x11-probe';

/**
 * A private Xvfb for tests and benchmarks that need a real X server (the uiohook global hook, Electron on Linux).
 * Picks a free display number so parallel runs and a developer's own X session are never touched.
 */
export interface Xvfb {
  display: string;
  /** Runs xdotool against this display. */
  xdotool(...args: string[]): Promise<void>;
  stop(): Promise<void>;
}

const run = promisify(execFile);

function freeDisplayNumber(): number {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const n = 100 + Math.floor(Math.random() * 800);
    if (!existsSync(`/tmp/.X11-unix/X${n}`) && !existsSync(`/tmp/.X${n}-lock`)) return n;
  }
  throw new Error('no free X display number');
}

export async function startXvfb(): Promise<Xvfb> {
  const n = freeDisplayNumber();
  const display = `:${n}`;
  const child: ChildProcess = spawn('Xvfb', [display, '-screen', '0', '800x600x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  while (!(await canReachX11(display, 200))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Xvfb ${display} did not start: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const env = { ...process.env, DISPLAY: display };
  return {
    display,
    async xdotool(...args) {
      await run('xdotool', args, { env });
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    },
  };
}
