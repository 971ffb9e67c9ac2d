/**
 * vitest globalSetup of the integration and e2e projects: makes sure the TEST profile stack (MongoDB-wire 27117,
 * Redis 6479, LiveKit 7980) is up and hands its env to the test files (provide/inject and process.env).
 *
 * - Under `npm test` (scripts/test.ts sets PARLEY_TEST_STACK_UP=1) the stack is already up: only verify health.
 * - Run directly (`npx vitest run --project integration ...`) it starts the stack, and its teardown stops it again
 *   unless another live test run still uses it (leases, see scripts/stack/stack.ts).
 */
import type { TestProject } from 'vitest/node';
import { createContext, stackEnv } from '../../scripts/stack/profiles';
import {
  acquireLease,
  allHealthy,
  down,
  formatStatus,
  installAll,
  otherLiveLeases,
  releaseLease,
  status,
  up,
} from '../../scripts/stack/stack';
import type { StackEnv } from './env';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const ctx = createContext('test');
  const lease = acquireLease(ctx);
  const managedByRunner = process.env.PARLEY_TEST_STACK_UP === '1';
  let startedHere: string[] = [];
  let shared = false;
  try {
    if (!managedByRunner) {
      shared = otherLiveLeases(ctx, lease) > 0;
      await installAll(ctx);
      startedHere = await up(ctx, { fresh: true });
    }
    const rows = await status(ctx);
    if (!allHealthy(rows)) throw new Error(`the test stack is not healthy:\n${formatStatus(rows)}`);
  } catch (error) {
    releaseLease(ctx, lease);
    throw error;
  }
  const env = stackEnv(ctx) as StackEnv;
  Object.assign(process.env, env, { PARLEY_TEST_API_PORT: String(ctx.ports.api.port) });
  project.provide('parleyStack', env);

  return async () => {
    const last = releaseLease(ctx, lease);
    if (!managedByRunner && last && (startedHere.length > 0 || shared)) await down(ctx);
  };
}
