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
 * The TTL (10 s, set in server.ts) only bounds staleness if a cross-instance message is lost; `maxEntries` bounds memory.
 * Permission writes are rare next to reads, so they clear everything rather than tracking which keys they touched;
 * frequent narrow writes (a user's voice state) drop only their own keys.
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
  /**
   * Cached values for `keys`; the missing ones come from ONE `loadMissing(missingKeys)` call (a page of messages needs
   * its authors: one query, not one per author), which must answer every key it is given (null for absent).
   */
  readMany<T>(keys: readonly string[], loadMissing: (missing: string[]) => Promise<Map<string, T>>): Promise<Map<string, T>>;
  /** Drops every entry and makes in-flight loads unstorable. */
  invalidateAll(): void;
  /**
   * Drops these keys (for frequent, narrow writes such as voice state, where clearing everything would empty the cache
   * on every join). In-flight loads of any key become unstorable, as with invalidateAll.
   */
  invalidate(keys: readonly string[]): void;
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

  async function loadShared<T>(key: string, load: () => Promise<T>): Promise<T> {
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
  }

  return {
    async read<T>(key: string, load: () => Promise<T>): Promise<T> {
      const hit = entries.get(key);
      if (hit) {
        const t = now();
        if (hit.expiresAt > t) {
          // Refresh ahead in the second half of the TTL, so a busy key never makes every caller wait for the database
          // at once when it expires. Staleness is still bounded by the TTL.
          if (hit.expiresAt - t < options.ttlMs / 2 && !loading.has(key)) void loadShared(key, load).catch(() => undefined);
          return hit.value as T;
        }
        entries.delete(key);
      }
      return loadShared(key, load);
    },
    async readMany<T>(keys: readonly string[], loadMissing: (missing: string[]) => Promise<Map<string, T>>): Promise<Map<string, T>> {
      const out = new Map<string, T>();
      const missing: string[] = [];
      const t = now();
      for (const key of new Set(keys)) {
        const hit = entries.get(key);
        if (hit && hit.expiresAt > t) out.set(key, hit.value as T);
        else missing.push(key);
      }
      if (missing.length === 0) return out;
      const started = generation;
      const loaded = await loadMissing(missing);
      for (const key of missing) {
        if (!loaded.has(key)) continue;
        const value = loaded.get(key) as T;
        out.set(key, value);
        if (started === generation) store(key, value);
      }
      return out;
    },
    invalidateAll() {
      generation += 1;
      entries.clear();
      loading.clear();
    },
    invalidate(keys) {
      generation += 1;
      for (const key of keys) {
        entries.delete(key);
        loading.delete(key);
      }
    },
    get size() {
      return entries.size;
    },
  };
}
