import type { Redis } from 'ioredis';
import type { RoomServiceClient } from 'livekit-server-sdk';
import type { Db } from 'mongodb';

export type CheckState = { status: 'up'; latencyMs: number } | { status: 'down'; error: string } | { status: 'disabled' };

export interface HealthReport {
  status: 'ok' | 'degraded';
  checks: { mongo: CheckState; livekit: CheckState; redis: CheckState };
  /** Names of the dependencies that are down (empty when healthy). */
  down: string[];
}

const TIMEOUT_MS = 1_500;

async function timed(run: () => Promise<unknown>): Promise<CheckState> {
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      run(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      }),
    ]);
    return { status: 'up', latencyMs: Math.round(performance.now() - start) };
  } catch (err) {
    return { status: 'down', error: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

/** MongoDB ping, LiveKit listRooms, Redis PING (when configured), in parallel, each bounded by a short timeout. */
export function createHealthCheck(deps: { db: Db; livekit: RoomServiceClient; redis: Redis | null }) {
  return async (): Promise<HealthReport> => {
    const [mongo, livekit, redis] = await Promise.all([
      timed(() => deps.db.command({ ping: 1 })),
      timed(() => deps.livekit.listRooms()),
      deps.redis ? timed(() => deps.redis!.ping()) : Promise.resolve<CheckState>({ status: 'disabled' }),
    ]);
    const checks = { mongo, livekit, redis };
    const down = Object.entries(checks)
      .filter(([, s]) => s.status === 'down')
      .map(([name]) => name);
    return { status: down.length === 0 ? 'ok' : 'degraded', checks, down };
  };
}
