import type { StackContext } from '../profiles';

export type Health = { readonly healthy: true; readonly detail?: string } | { readonly healthy: false; readonly reason: string };

/**
 * One service of the local stack. Each lives in its own module under services/ and is listed in registry.ts; adding a
 * service (e.g. egress) is one new module plus one line there.
 *
 * - `install` makes the binary available (idempotent, pinned). When it cannot be obtained it throws a
 *   MissingPrerequisiteError whose message says exactly what to install. It never prompts and never hangs.
 * - `start` is a no-op when the service already runs; otherwise it checks its ports are free (StackError naming the
 *   port and its env var), spawns it through daemon.ts and resolves once `health` says healthy, or throws.
 * - `stop` resolves once no process of the service is left; false when nothing was running.
 * - `health` answers quickly (≈2 s at most) and never throws.
 * - `optional` services are skipped by `up`/`install` when `available` says they cannot run here (status says why).
 */
export interface StackService {
  readonly name: string;
  readonly optional?: boolean;
  available?(ctx: StackContext): Promise<{ readonly ok: true } | { readonly ok: false; readonly reason: string }>;
  /** Where clients reach it, e.g. `127.0.0.1:6379`. */
  address(ctx: StackContext): string;
  install(ctx: StackContext): Promise<void>;
  /** True when started by this call, false when it was already running (or is external). */
  start(ctx: StackContext): Promise<boolean>;
  stop(ctx: StackContext): Promise<boolean>;
  health(ctx: StackContext): Promise<Health>;
  /** Short description of what runs, e.g. `ferretdb, pid 123`. */
  describe?(ctx: StackContext): string;
}
