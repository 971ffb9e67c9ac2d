/**
 * A short-lived, bounded read-through cache for the records every permission check needs (guild, roles, member,
 * channel and its category, user display names). FerretDB's SQLite backend answers each of those with a table scan, and
 * a voice join needs five of them.
 *
 * Correctness rests on invalidation, not on the TTL:
 * - every repository write that can change permissions calls `invalidateAll()` (wired in db/repos.ts), synchronously
 *   on this instance, and server.ts broadcasts it to the other instances over Redis;
 * - a value loaded while an invalidation happened is returned to its caller but never stored (generation check), so a
 *   read racing a write cannot put pre-write data back into the cache;
 * - the cache holds records, never decisions: a denial is recomputed from fresh records after any grant change.
 * The TTL (a few seconds) only bounds staleness if a cross-instance message is lost; `maxEntries` bounds memory.
 * Writes are rare next to reads, so invalidation clears everything rather than tracking which keys a write touched.
 */
export interface PermissionCacheOptions {
  ttlMs: number;
  maxEntries: number;
  /** Milliseconds clock (tests). */
  now?: () => number;
}

export interface PermissionCache {
  /** The cached value for `key`, else `load()`'s result (stored unless an invalidation happened meanwhile). */
  read<T>(key: string, load: () => Promise<T>): Promise<T>;
  /** Drops every entry and makes in-flight loads unstorable. */
  invalidateAll(): void;
  readonly size: number;
}

export function createPermissionCache(options: PermissionCacheOptions): PermissionCache {
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: unknown; expiresAt: number }>();
  // Concurrent misses for one key share one load (50 joins arriving together cost one scan, not 50).
  const loading = new Map<string, { generation: number; promise: Promise<unknown> }>();
  let generation = 0;

  function store(key: string, value: unknown): void {
    entries.delete(key);
    while (entries.size >= options.maxEntries) {
      // Map iteration order is insertion order: the first key is the oldest entry.
      const oldest = entries.keys().next();
      if (oldest.done) break;
      entries.delete(oldest.value);
    }
    entries.set(key, { value, expiresAt: now() + options.ttlMs });
  }

  return {
    async read<T>(key: string, load: () => Promise<T>): Promise<T> {
      const hit = entries.get(key);
      if (hit) {
        if (hit.expiresAt > now()) return hit.value as T;
        entries.delete(key);
      }
      const pending = loading.get(key);
      if (pending && pending.generation === generation) return pending.promise as Promise<T>;
      const started = generation;
      const promise = load().then((value) => {
        if (started === generation) store(key, value);
        return value;
      });
      loading.set(key, { generation: started, promise });
      try {
        return await promise;
      } finally {
        if (loading.get(key)?.promise === promise) loading.delete(key);
      }
    },
    invalidateAll() {
      generation += 1;
      entries.clear();
      loading.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
