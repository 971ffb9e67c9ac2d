import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { delimiter, join } from 'node:path';
import type { PortSetting } from './profiles';

/** Something the stack needs cannot be obtained here; `message` says exactly what to install. Exit code 3. */
export class MissingPrerequisiteError extends Error {
  override readonly name = 'MissingPrerequisiteError';
}

/** A service could not start or stop (port taken, crashed on start, did not become healthy in time). Exit code 1. */
export class StackError extends Error {
  override readonly name = 'StackError';
}

/** Full path of an executable on PATH, or undefined. */
export function which(command: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

export const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  /** Prefix for streamed output lines; when unset output is captured only. */
  readonly echo?: string;
}

export interface RunResult {
  readonly code: number | null;
  readonly output: string;
  readonly timedOut: boolean;
}

/** Runs a command to completion with a hard timeout (its whole process group is killed), never reading stdin. */
export function run(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    let timedOut = false;
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString();
      output += text;
      if (output.length > 200_000) output = output.slice(-100_000);
      if (options.echo !== undefined) {
        for (const line of text.split('\n')) if (line.trim()) process.stdout.write(`${options.echo}${line}\n`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolvePromise({ code: null, output: `${output}${error.message}`, timedOut });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, output, timedOut });
    });
  });
}

function tcpFree(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const server = createServer();
    server.once('error', () => resolvePromise(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolvePromise(true)));
  });
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolvePromise(false);
    });
    socket.bind({ port, address: '127.0.0.1', exclusive: true }, () => socket.close(() => resolvePromise(true)));
  });
}

/** A TCP port on 127.0.0.1 that was free a moment ago (for a child process that must be given its port). */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolvePromise(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Throws a StackError naming the port and its env var when another process already holds it. */
export async function assertPortFree(service: string, setting: PortSetting, protocol: 'tcp' | 'udp' = 'tcp'): Promise<void> {
  const free = protocol === 'tcp' ? await tcpFree(setting.port) : await udpFree(setting.port);
  if (!free) {
    throw new StackError(
      `${service}: ${protocol.toUpperCase()} port ${setting.port} on 127.0.0.1 is already in use by another process. ` +
        `Stop that process, or choose another port with ${setting.envVar}=<port>.`,
    );
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolvePromise) => setTimeout(resolvePromise, ms));
