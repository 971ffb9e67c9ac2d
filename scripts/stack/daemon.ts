import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackContext } from './profiles';
import { sleep, StackError } from './tools';
import type { Health } from './services/service';

/** What a pid file records: enough to refuse to kill an unrelated process that reused the pid. */
interface PidRecord {
  readonly pid: number;
  readonly command: string;
  readonly startedAt: string;
}

const pidFile = (ctx: StackContext, name: string): string => join(ctx.dirs.run, `${name}.pid`);
export const logFile = (ctx: StackContext, name: string): string => join(ctx.dirs.logs, `${ctx.profile}-${name}.log`);

function readRecord(ctx: StackContext, name: string): PidRecord | undefined {
  const file = pidFile(ctx, name);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PidRecord;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A zombie still answers kill(0); it is not running.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return true;
  }
}

/**
 * True while any non-zombie process of the group remains. Reads /proc rather than kill(-pgid, 0) because exited
 * children linger as zombies until init reaps them, which here can take seconds.
 */
function groupAlive(pgid: number, countZombies = false): boolean {
  if (existsSync('/proc/self/stat')) {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(pgrp) === pgid && (countZombies || state !== 'Z')) return true;
      } catch {
        // exited while we looked
      }
    }
    return false;
  }
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when the pid still runs the command we started (pids get reused after a reboot or a crash). */
function isOurs(record: PidRecord): boolean {
  if (!alive(record.pid)) return false;
  if (!existsSync('/proc/self/cmdline')) return true; // no /proc (not Linux): trust the pid
  try {
    // Some daemons rewrite argv (redis shows "redis-server 127.0.0.1:6379"), so also accept the executable itself.
    const argv0 = readFileSync(`/proc/${record.pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
    if (argv0 === record.command || argv0.startsWith(`${record.command} `)) return true;
    const exe = readlinkSync(`/proc/${record.pid}/exe`).replace(/ \(deleted\)$/, '');
    return exe === realpathSync(record.command);
  } catch {
    return false;
  }
}

/** Pid of the running daemon started by the stack, or undefined (stale pid files are removed). */
export function runningPid(ctx: StackContext, name: string): number | undefined {
  const record = readRecord(ctx, name);
  if (!record) return undefined;
  if (isOurs(record)) return record.pid;
  rmSync(pidFile(ctx, name), { force: true });
  return undefined;
}

export function tailLog(ctx: StackContext, name: string, lines = 15): string {
  try {
    return readFileSync(logFile(ctx, name), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Services get a minimal environment: livekit-server, for one, reads NODE_IP, UDP_PORT, REDIS_HOST and LIVEKIT_KEYS
 * from the env, which would silently override the rendered config if a developer's shell happened to set them.
 */
export function daemonEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'USER', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'];
  return Object.fromEntries(keep.filter((key) => env[key] !== undefined).map((key) => [key, env[key]]));
}

export interface DaemonSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly health: () => Promise<Health>;
  readonly startTimeoutMs: number;
}

/**
 * Starts a long-running service in its own process group (so `down` can kill it and anything it forks), logging to
 * .stack/logs/<profile>-<name>.log, and waits until it is healthy. It outlives the CLI that started it.
 */
export async function startDaemon(ctx: StackContext, spec: DaemonSpec): Promise<number> {
  const log = openSync(logFile(ctx, spec.name), 'a');
  writeFileSync(log, `\n--- ${new Date().toISOString()} starting ${spec.command} ${spec.args.join(' ')}\n`);
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd ?? ctx.dirs.run,
    env: spec.env ?? daemonEnv(ctx.env),
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  let exit: string | undefined;
  child.on('exit', (code, signal) => {
    exit = signal ? `signal ${signal}` : `code ${code}`;
  });
  const spawned = await new Promise<Error | undefined>((resolvePromise) => {
    child.once('spawn', () => resolvePromise(undefined));
    child.once('error', (error) => resolvePromise(error));
  });
  if (spawned || child.pid === undefined) {
    throw new StackError(`${spec.name}: could not run ${spec.command}: ${spawned?.message ?? 'no pid'}`);
  }
  child.unref();
  const pid = child.pid;
  const record: PidRecord = { pid, command: spec.command, startedAt: new Date().toISOString() };
  writeFileSync(pidFile(ctx, spec.name), JSON.stringify(record));

  const deadline = Date.now() + spec.startTimeoutMs;
  let last: Health = { healthy: false, reason: 'not checked yet' };
  while (Date.now() < deadline) {
    if (exit !== undefined) {
      rmSync(pidFile(ctx, spec.name), { force: true });
      throw new StackError(
        `${spec.name} exited during start (${exit}). Last log lines (${logFile(ctx, spec.name)}):\n${tailLog(ctx, spec.name)}`,
      );
    }
    last = await spec.health();
    if (last.healthy) return pid;
    await sleep(150);
  }
  await stopDaemon(ctx, spec.name);
  throw new StackError(
    `${spec.name} did not become healthy within ${Math.round(spec.startTimeoutMs / 1000)} s (${last.healthy ? '' : last.reason}). ` +
      `Last log lines (${logFile(ctx, spec.name)}):\n${tailLog(ctx, spec.name)}`,
  );
}

/**
 * Stops a daemon: SIGTERM to its process group, wait, escalate to SIGKILL, then verify nothing of the group is left.
 * Returns false when it was not running.
 */
export async function stopDaemon(ctx: StackContext, name: string, graceMs = 8_000): Promise<boolean> {
  const pid = runningPid(ctx, name);
  if (pid === undefined) return false;
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      try {
        process.kill(pid, signal);
      } catch {
        // gone already
      }
    }
  };
  const gone = (): boolean => !groupAlive(pid);
  const waitGone = async (ms: number): Promise<boolean> => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (gone()) return true;
      await sleep(50);
    }
    return gone();
  };
  signalGroup('SIGTERM');
  if (!(await waitGone(graceMs))) {
    signalGroup('SIGKILL');
    if (!(await waitGone(3_000))) {
      throw new StackError(`${name} (process group ${pid}) is still running after SIGKILL`);
    }
  }
  rmSync(pidFile(ctx, name), { force: true });
  stoppedGroups.add(pid);
  return true;
}

const stoppedGroups = new Set<number>();

/**
 * Waits (at most `ms`) until init has reaped the processes stopped so far, so `ps` right after `down` shows nothing,
 * not even <defunct> entries. Separate from stopDaemon so several services' reaping overlaps.
 */
export async function awaitReaped(ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while ([...stoppedGroups].some((pgid) => groupAlive(pgid, true)) && Date.now() < deadline) await sleep(100);
  stoppedGroups.clear();
}
