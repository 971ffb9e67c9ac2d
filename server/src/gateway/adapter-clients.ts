import type { Redis } from 'ioredis';
import type { Logger } from '../logger';

/**
 * Calls the Socket.IO Redis adapter makes without handling their promise: `publish` on every cross-instance emit,
 * socketsJoin/Leave and request, and the (un)subscribes when it is created and closed
 * (@socket.io/redis-adapter dist/index.js). While Redis is down or stalled these reject (no offline queue, or
 * `commandTimeout`), and an unhandled rejection ends the Node process.
 */
const UNHANDLED_BY_ADAPTER = new Set<PropertyKey>(['publish', 'subscribe', 'psubscribe', 'unsubscribe', 'punsubscribe']);

/** One warning per this many ms while Redis stays unreachable, with the number of failures in between. */
const WARN_EVERY_MS = 5_000;

/**
 * `client` as the adapter should see it: the calls above log their failure (a gateway event that did not reach the
 * other instances) instead of crashing the server. The event still reaches this instance's sockets; calls the adapter
 * awaits (PUBSUB NUMSUB before fetchSockets) still reject, and the request fails as DEPENDENCY_UNAVAILABLE.
 */
export function adapterClient(client: Redis, log: Logger, name: string): Redis {
  let lastWarnAt = 0;
  let suppressed = 0;
  const onFailure = (err: unknown) => {
    const now = Date.now();
    if (now - lastWarnAt < WARN_EVERY_MS) {
      suppressed += 1;
      return;
    }
    log.warn(
      { client: name, err: err instanceof Error ? err.message : String(err), suppressed },
      'gateway: Redis call failed; events are not reaching other instances',
    );
    lastWarnAt = now;
    suppressed = 0;
  };
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (!UNHANDLED_BY_ADAPTER.has(property) || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        // Handles the rejection without changing what the caller gets back.
        if (result instanceof Promise) result.catch(onFailure);
        return result;
      };
    },
  });
}
