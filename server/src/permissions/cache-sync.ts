import type { Redis } from 'ioredis';
import { newId } from '../db/ids';
import type { Logger } from '../logger';
import type { PermissionCache } from './permission-cache';

/**
 * Keeps the record caches of several server instances coherent: a write on one instance drops the same entries on
 * every other instance before the writer answers (the publish is awaited, bounded so a write never hangs on Redis; the
 * cache TTL covers a lost message or a Redis outage, and the cache is cleared on every (re)subscription because
 * messages sent while disconnected are lost). While Redis leaves a publish unanswered, later writes do not wait for
 * theirs: a route with several permission writes would otherwise wait once per write.
 *
 * Message: `<instance id>\n*` (drop everything) or `<instance id>\n<key>\n<key>…` (drop these keys).
 */
export interface CacheSync {
  /** Drops `keys` ('*' = everything) here and on the other instances. */
  invalidate(keys: readonly string[] | '*'): Promise<void>;
  close(): Promise<void>;
}

/** How long a write waits for its invalidation to reach Redis (the publisher's commandTimeout bounds the call itself). */
const PUBLISH_WAIT_MS = 250;
const RESUBSCRIBE_SETTLE_MS = 1_000;

/** Resolves with whether `promise` settled within `ms` (its rejection is handled either way). */
function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  const settled = promise.then(
    () => true,
    () => true,
  );
  return Promise.race([settled, timeout]).finally(() => clearTimeout(timer));
}

function applyLocally(cache: PermissionCache, keys: readonly string[] | '*'): void {
  if (keys === '*') cache.invalidateAll();
  else cache.invalidate(keys);
}

/** Without Redis (a single instance) invalidation is local only. */
export function localCacheSync(cache: PermissionCache): CacheSync {
  return {
    invalidate: async (keys) => applyLocally(cache, keys),
    close: async () => undefined,
  };
}

/** `subscriber` is a connection of its own (it enters subscriber mode); this takes it over and quits it on close. */
export async function redisCacheSync(opts: {
  cache: PermissionCache;
  subscriber: Redis;
  publisher: Redis;
  channel: string;
  log: Logger;
}): Promise<CacheSync> {
  const { cache, subscriber: sub, publisher, channel, log } = opts;
  const instanceId = newId();
  sub.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    const [sender, ...keys] = message.split('\n');
    if (sender === instanceId) return;
    applyLocally(cache, keys.length === 1 && keys[0] === '*' ? '*' : keys);
  });
  // Messages sent while disconnected are lost. ioredis reports `ready` before it has re-subscribed, so clear again a
  // moment later too: an invalidation published in that gap must not linger until the TTL.
  sub.on('ready', () => {
    cache.invalidateAll();
    setTimeout(() => cache.invalidateAll(), RESUBSCRIBE_SETTLE_MS).unref();
  });
  // Bounded by the subscriber's commandTimeout. A SUBSCRIBE that timed out is still sent once Redis answers (ioredis
  // keeps it queued), and `ready` clears the cache then.
  await sub.subscribe(channel).catch((err: unknown) => log.warn({ err }, 'record cache: not subscribed at boot; relying on its TTL'));
  /** A publish Redis has not answered yet: while there is one, writes don't wait for theirs. */
  let unanswered: Promise<unknown> | null = null;
  const notBroadcast = (err: unknown) => log.warn({ err }, 'record cache invalidation not broadcast');
  return {
    async invalidate(keys) {
      applyLocally(cache, keys);
      if (keys !== '*' && keys.length === 0) return;
      const message = [instanceId, ...(keys === '*' ? ['*'] : keys)].join('\n');
      const sent = publisher.publish(channel, message);
      sent.catch(notBroadcast);
      if (unanswered) return;
      if (await settlesWithin(sent, PUBLISH_WAIT_MS)) return;
      unanswered = sent;
      const clear = () => {
        if (unanswered === sent) unanswered = null;
      };
      sent.then(clear, clear);
    },
    async close() {
      await sub.quit().catch(() => sub.disconnect());
    },
  };
}
