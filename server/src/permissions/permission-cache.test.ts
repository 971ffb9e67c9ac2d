import { describe, expect, it } from 'vitest';
import { createPermissionCache } from './permission-cache';

function counter<T>(values: T[]) {
  let calls = 0;
  return {
    load: () => Promise.resolve(values[Math.min(calls++, values.length - 1)] as T),
    get calls() {
      return calls;
    },
  };
}

describe('permission cache', () => {
  it('serves a stored value without loading again until invalidated', async () => {
    const cache = createPermissionCache({ ttlMs: 5_000, maxEntries: 10 });
    const src = counter(['old', 'new']);
    expect(await cache.read('k', src.load)).toBe('old');
    expect(await cache.read('k', src.load)).toBe('old');
    expect(src.calls).toBe(1);
    cache.invalidateAll();
    expect(cache.size).toBe(0);
    expect(await cache.read('k', src.load)).toBe('new');
    expect(src.calls).toBe(2);
  });

  it('caches null (a non-member) only until the next write invalidates it', async () => {
    const cache = createPermissionCache({ ttlMs: 5_000, maxEntries: 10 });
    const src = counter<{ userId: string } | null>([null, { userId: 'u' }]);
    expect(await cache.read('member:g:u', src.load)).toBeNull();
    cache.invalidateAll();
    expect(await cache.read('member:g:u', src.load)).toEqual({ userId: 'u' });
  });

  it('expires entries after the TTL', async () => {
    let now = 1_000;
    const cache = createPermissionCache({ ttlMs: 3_000, maxEntries: 10, now: () => now });
    const src = counter(['a', 'b']);
    expect(await cache.read('k', src.load)).toBe('a');
    now += 2_999;
    expect(await cache.read('k', src.load)).toBe('a');
    now += 1;
    expect(await cache.read('k', src.load)).toBe('b');
    expect(src.calls).toBe(2);
  });

  it('refreshes a busy key in the background during the second half of its TTL, so callers never wait for it', async () => {
    let now = 1_000;
    const cache = createPermissionCache({ ttlMs: 4_000, maxEntries: 10, now: () => now });
    const src = counter(['a', 'b', 'c']);
    expect(await cache.read('k', src.load)).toBe('a');
    now += 1_999;
    expect(await cache.read('k', src.load)).toBe('a');
    expect(src.calls).toBe(1);
    now += 2; // second half: served from the cache, reloaded behind it
    expect(await cache.read('k', src.load)).toBe('a');
    await Promise.resolve();
    expect(src.calls).toBe(2);
    expect(await cache.read('k', src.load)).toBe('b');
    expect(src.calls).toBe(2);
  });

  it('reads many keys with one load for the missing ones, caching absent ones too, and nothing loaded across an invalidation', async () => {
    const cache = createPermissionCache({ ttlMs: 5_000, maxEntries: 10 });
    await cache.read('user:a', () => Promise.resolve('A'));
    const asked: string[][] = [];
    const loadMissing = async (missing: string[]) => {
      asked.push(missing);
      return new Map(missing.map((k) => [k, k === 'user:gone' ? null : k.toUpperCase()]));
    };
    const first = await cache.readMany(['user:a', 'user:b', 'user:gone', 'user:b'], loadMissing);
    expect([...first]).toEqual([
      ['user:a', 'A'],
      ['user:b', 'USER:B'],
      ['user:gone', null],
    ]);
    expect(asked).toEqual([['user:b', 'user:gone']]);
    expect((await cache.readMany(['user:b', 'user:gone'], loadMissing)).size).toBe(2);
    expect(asked).toHaveLength(1);
    const racing = cache.readMany(['user:c'], async (missing) => {
      cache.invalidate(['user:x']); // a write lands while the load is in flight
      return loadMissing(missing);
    });
    expect((await racing).get('user:c')).toBe('USER:C');
    await cache.readMany(['user:c'], loadMissing);
    expect(asked.at(-1)).toEqual(['user:c']);
  });

  it('keeps at most maxEntries, evicting the oldest', async () => {
    const cache = createPermissionCache({ ttlMs: 5_000, maxEntries: 3 });
    for (const key of ['a', 'b', 'c', 'd']) await cache.read(key, () => Promise.resolve(key));
    expect(cache.size).toBe(3);
    const reloaded = counter(['A']);
    expect(await cache.read('a', reloaded.load)).toBe('A');
    expect(reloaded.calls).toBe(1);
    const kept = counter(['D']);
    expect(await cache.read('d', kept.load)).toBe('d');
    expect(kept.calls).toBe(0);
  });

  it('does not store a value loaded across an invalidation (a read racing a write)', async () => {
    const cache = createPermissionCache({ ttlMs: 5_000, maxEntries: 10 });
    let release!: (v: string) => void;
    const slow = cache.read('k', () => new Promise<string>((resolve) => (release = resolve)));
    cache.invalidateAll(); // the write lands while the read is in flight
    release('before-write');
    expect(await slow).toBe('before-write');
    expect(cache.size).toBe(0);
    expect(await cache.read('k', () => Promise.resolve('after-write'))).toBe('after-write');
  });

  it('shares one load between concurrent misses, but not across an invalidation', async () => {
    const cache = createPermissionCache({ ttlMs: 5_000, maxEntries: 10 });
    let loads = 0;
    const load = () => {
      loads += 1;
      return new Promise<number>((resolve) => setTimeout(() => resolve(loads), 5));
    };
    const [a, b] = await Promise.all([cache.read('k', load), cache.read('k', load)]);
    expect([a, b, loads]).toEqual([1, 1, 1]);
    cache.invalidateAll();
    const first = cache.read('k', load);
    cache.invalidateAll();
    const second = cache.read('k', load);
    expect(loads).toBe(3);
    await Promise.all([first, second]);
  });

  it('does not cache a failed load', async () => {
    const cache = createPermissionCache({ ttlMs: 5_000, maxEntries: 10 });
    await expect(cache.read('k', () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    expect(await cache.read('k', () => Promise.resolve('ok'))).toBe('ok');
  });

  it('drops only the named keys on a narrow invalidation, and a load in flight across it is not stored', async () => {
    const cache = createPermissionCache({ ttlMs: 5_000, maxEntries: 10 });
    await cache.read('voice:u', () => Promise.resolve('in A'));
    await cache.read('guild:g', () => Promise.resolve('guild'));
    let release!: (v: string) => void;
    const slow = cache.read('member:g:u', () => new Promise<string>((resolve) => (release = resolve)));
    cache.invalidate(['voice:u']);
    release('stale member');
    expect(await slow).toBe('stale member');
    expect(await cache.read('voice:u', () => Promise.resolve('in B'))).toBe('in B');
    expect(await cache.read('guild:g', () => Promise.resolve('reloaded'))).toBe('guild');
    expect(await cache.read('member:g:u', () => Promise.resolve('fresh member'))).toBe('fresh member');
  });
});
