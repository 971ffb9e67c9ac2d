import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { awaitReaped, runningPid } from './daemon';
import type { StackContext } from './profiles';
import { findService, services } from './services/registry';
import type { Health, StackService } from './services/service';
import { MissingPrerequisiteError, sleep, StackError } from './tools';

export interface ServiceStatus {
  readonly name: string;
  readonly address: string;
  readonly detail: string;
  readonly health: Health;
  /** Optional services that cannot run here are reported, not counted as failures. */
  readonly skipped?: string;
}

async function availability(ctx: StackContext, service: StackService): Promise<string | undefined> {
  if (!service.optional || !service.available) return undefined;
  const result = await service.available(ctx);
  return result.ok ? undefined : result.reason;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Serialises up/down/start/stop of one profile across processes (several test runs or terminals may race), with a
 * finite wait and stale-lock recovery when the holder died.
 */
export async function withLock<T>(ctx: StackContext, fn: () => Promise<T>, timeoutMs = 20 * 60_000): Promise<T> {
  const lock = join(ctx.dirs.run, 'stack.lock');
  // pid:token, so two callers in one process (vitest runs one globalSetup per project) also exclude each other.
  const mine = `${process.pid}:${randomBytes(6).toString('hex')}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      writeFileSync(lock, mine, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let holder = '';
      try {
        holder = readFileSync(lock, 'utf8').trim();
      } catch {
        continue; // released between our attempts
      }
      const holderPid = Number(holder.split(':')[0]);
      if (!Number.isInteger(holderPid) || !pidAlive(holderPid)) {
        rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline)
        throw new StackError(`the ${ctx.profile} stack is locked by pid ${holderPid} (${lock}); waited ${timeoutMs / 1000} s`);
      await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

/**
 * Installs every service's tools (idempotent); optional services that cannot run here are skipped. Installs run
 * concurrently: on a fresh machine the Go builds are the slow part, and one build's module downloads overlap
 * another's compilation.
 */
export async function installAll(ctx: StackContext): Promise<void> {
  const installs = await Promise.allSettled(
    services.map(async (service) => {
      const skip = await availability(ctx, service);
      if (skip) {
        console.log(`[stack] ${service.name}: skipped (${skip})`);
        return;
      }
      await service.install(ctx);
    }),
  );
  // Report every missing prerequisite at once rather than one per attempt.
  const missing: string[] = [];
  for (const [index, result] of installs.entries()) {
    if (result.status === 'fulfilled') continue;
    if (!(result.reason instanceof MissingPrerequisiteError)) throw result.reason;
    missing.push(`${services[index]?.name}: ${result.reason.message}`);
  }
  if (missing.length === 1) throw new MissingPrerequisiteError(missing[0]);
  if (missing.length > 1) throw new MissingPrerequisiteError(`\n  - ${missing.join('\n  - ')}`);
}

/** Starts what is not running yet; returns the names this call started (so a caller can stop exactly those). */
export async function up(ctx: StackContext, options: { fresh?: boolean } = {}): Promise<string[]> {
  return withLock(ctx, async () => {
    const started: string[] = [];
    if (options.fresh && runningServices(ctx).length === 0) {
      rmSync(ctx.dirs.data, { recursive: true, force: true });
      mkdirSync(ctx.dirs.data, { recursive: true });
    }
    for (const service of services) {
      if (await availability(ctx, service)) continue;
      if (await service.start(ctx)) started.push(service.name);
    }
    return started;
  });
}

/** Stops the named services (default: all) in reverse start order; returns the names that were running. */
export async function down(ctx: StackContext, names?: readonly string[]): Promise<string[]> {
  return withLock(ctx, async () => {
    const stopped: string[] = [];
    for (const service of [...services].reverse()) {
      if (names && !names.includes(service.name)) continue;
      if (await service.stop(ctx)) stopped.push(service.name);
    }
    await awaitReaped();
    return stopped;
  });
}

/** Services whose process the stack started and which still run. */
export function runningServices(ctx: StackContext): string[] {
  return services.filter((service) => runningPid(ctx, service.name) !== undefined).map((service) => service.name);
}

export async function startService(ctx: StackContext, name: string): Promise<boolean> {
  const service = findService(name);
  return withLock(ctx, () => service.start(ctx));
}

export async function stopService(ctx: StackContext, name: string): Promise<boolean> {
  const service = findService(name);
  return withLock(ctx, () => service.stop(ctx));
}

export async function status(ctx: StackContext): Promise<ServiceStatus[]> {
  return Promise.all(
    services.map(async (service): Promise<ServiceStatus> => {
      const skipped = await availability(ctx, service);
      const health: Health = skipped ? { healthy: false, reason: skipped } : await service.health(ctx);
      return {
        name: service.name,
        address: service.address(ctx),
        detail: service.describe?.(ctx) ?? '',
        health,
        ...(skipped ? { skipped } : {}),
      };
    }),
  );
}

export function formatStatus(rows: readonly ServiceStatus[]): string {
  const nameWidth = Math.max(...rows.map((row) => row.name.length));
  const addressWidth = Math.max(...rows.map((row) => row.address.length));
  return rows
    .map((row) => {
      const state = row.skipped ? `skipped: ${row.skipped}` : row.health.healthy ? 'healthy' : `unhealthy: ${row.health.reason}`;
      const detail = row.detail ? ` (${row.detail})` : '';
      return `${row.name.padEnd(nameWidth)}  ${row.address.padEnd(addressWidth)}  ${state}${row.health.healthy ? detail : ''}`;
    })
    .join('\n');
}

export const allHealthy = (rows: readonly ServiceStatus[]): boolean => rows.every((row) => row.skipped || row.health.healthy);

/**
 * Leases let several test runs share one test stack: each run holds a lease file named after its pid, and only the
 * last live holder stops the stack. Dead holders' leases are ignored (a crashed run never blocks shutdown).
 */
export interface Lease {
  readonly file: string;
}

const leaseDir = (ctx: StackContext): string => join(ctx.dirs.run, 'leases');

export function acquireLease(ctx: StackContext): Lease {
  mkdirSync(leaseDir(ctx), { recursive: true });
  const file = join(leaseDir(ctx), `${process.pid}-${randomBytes(4).toString('hex')}`);
  writeFileSync(file, new Date().toISOString());
  return { file };
}

/** Releases the lease; true when no other live lease remains (the caller may stop the stack). */
export function releaseLease(ctx: StackContext, lease: Lease): boolean {
  rmSync(lease.file, { force: true });
  if (!existsSync(leaseDir(ctx))) return true;
  let others = 0;
  for (const entry of readdirSync(leaseDir(ctx))) {
    const pid = Number(entry.split('-')[0]);
    if (Number.isInteger(pid) && pidAlive(pid)) others += 1;
    else rmSync(join(leaseDir(ctx), entry), { force: true });
  }
  return others === 0;
}

/** Count of live leases other than `own` (including other leases of this same process). */
export function otherLiveLeases(ctx: StackContext, own: Lease): number {
  if (!existsSync(leaseDir(ctx))) return 0;
  return readdirSync(leaseDir(ctx)).filter((entry) => {
    if (join(leaseDir(ctx), entry) === own.file) return false;
    const pid = Number(entry.split('-')[0]);
    return Number.isInteger(pid) && pidAlive(pid);
  }).length;
}
