import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

/** Parent side of ptt-hook-harness.ts (see there for why the hook runs in a child process). */

export type HarnessEvent = { type: string; t?: number; [key: string]: unknown };

export interface PttHarness {
  events: HarnessEvent[];
  send(message: Record<string, unknown>): void;
  waitFor(predicate: (events: HarnessEvent[]) => boolean, what: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const root = resolve(import.meta.dirname, '../..');

export async function startPttHarness(display: string): Promise<PttHarness> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, 'ptt-hook-harness.ts')], {
    cwd: root,
    env: { ...process.env, DISPLAY: display },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const events: HarnessEvent[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      events.push(JSON.parse(line) as HarnessEvent);
    } catch {
      stderr += `${line}\n`;
    }
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));

  const harness: PttHarness = {
    events,
    send(message) {
      child.stdin?.write(`${JSON.stringify(message)}\n`);
    },
    async waitFor(predicate, what, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(events)) {
        if (child.exitCode !== null) throw new Error(`harness exited while waiting for ${what}: ${stderr}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stderr: ${stderr}`);
        await new Promise((r) => setTimeout(r, 2));
      }
    },
    async stop() {
      if (child.exitCode !== null) return;
      harness.send({ cmd: 'quit' });
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
  await harness.waitFor((e) => e.some((x) => x.type === 'ready'), 'harness ready', 30_000);
  return harness;
}

/**
 * One long-lived `xdotool -` reading commands from stdin: no process spawn per key event, so the time we write
 * a command is close to the time the X server sees it (used by the latency benchmark).
 */
export function startXdotoolStream(display: string): { command(line: string): void; stop(): Promise<void> } {
  const child = spawn('xdotool', ['-'], { env: { ...process.env, DISPLAY: display }, stdio: ['pipe', 'ignore', 'ignore'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    command(line) {
      child.stdin.write(`${line}\n`);
    },
    async stop() {
      child.stdin.end();
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
