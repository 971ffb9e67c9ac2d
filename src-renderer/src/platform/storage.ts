/**
 * Synchronous key/value storage for small JSON values. localStorage in both the browser and the desktop renderer
 * (Electron keeps it in the app's userData, so it survives restarts).
 */
export interface KeyValueStorage {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  remove(key: string): void;
}

export function createWebStorage(ls: Storage | undefined): KeyValueStorage {
  const mem = new Map<string, string>();
  const prefix = 'parley:';
  const read = (k: string) => (ls ? ls.getItem(prefix + k) : (mem.get(k) ?? null));
  return {
    get<T>(key: string): T | undefined {
      const raw = read(key);
      if (raw === null) return undefined;
      try {
        return JSON.parse(raw) as T;
      } catch {
        return undefined;
      }
    },
    set(key, value) {
      const raw = JSON.stringify(value);
      try {
        if (ls) ls.setItem(prefix + key, raw);
        else mem.set(key, raw);
      } catch {
        // Quota exceeded or storage disabled: keep working for this session.
        mem.set(key, raw);
      }
    },
    remove(key) {
      if (ls) ls.removeItem(prefix + key);
      mem.delete(key);
    },
  };
}

export function createMemoryStorage(): KeyValueStorage {
  return createWebStorage(undefined);
}
