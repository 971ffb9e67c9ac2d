import { describe, expect, it, vi } from 'vitest';
import { ApiError, type TokenSource } from '../../api/http-client';
import type { ParleyApi } from '../../api/parley-api';
import { createMemoryStorage } from '../../platform/storage';
import { createAuthStore, normalizeServerUrl } from './auth.store';

const user = {
  id: '0'.repeat(24),
  username: 'alice',
  displayName: 'Alice',
  avatar: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  status: 'online' as const,
};
const session = (n: number) => ({
  user,
  accessToken: `access-${n}`,
  accessTokenExpiresAt: '2026-01-01T00:15:00.000Z',
  refreshToken: `refresh-token-${n}-padding-padding`,
  refreshTokenExpiresAt: '2026-02-01T00:00:00.000Z',
});

function setup(over: Partial<ParleyApi['auth']> = {}) {
  let n = 0;
  const auth = {
    register: vi.fn(async () => session(++n)),
    login: vi.fn(async () => session(++n)),
    refresh: vi.fn(async () => session(++n)),
    logout: vi.fn(async () => undefined),
    me: vi.fn(async () => user),
    ...over,
  };
  const storage = createMemoryStorage();
  const makeApi = vi.fn((_url: string, _t: TokenSource) => ({ auth }) as unknown as ParleyApi);
  const created = () => createAuthStore({ storage, defaultServerUrl: 'http://127.0.0.1:8080', makeApi });
  return { auth, storage, makeApi, created };
}

describe('auth store', () => {
  it('when logging in, then the session is kept and the refresh token is remembered for the next start', async () => {
    const { created, storage } = setup();
    const { store } = created();
    expect(await store.getState().login({ username: 'alice', password: 'pw' })).toEqual({ ok: true, value: user });
    expect(store.getState()).toMatchObject({ phase: 'signed-in', user, accessToken: 'access-1' });
    expect(storage.get<{ refreshToken: string }>('session')?.refreshToken).toBe(session(1).refreshToken);
  });

  it('when the app restarts with a remembered session, then it is restored via refresh (session kept across restarts)', async () => {
    const { created, auth } = setup();
    await created().store.getState().login({ username: 'alice', password: 'pw' });
    const { store } = created();
    expect(store.getState().phase).toBe('restoring');
    await store.getState().restore();
    expect(store.getState()).toMatchObject({ phase: 'signed-in', accessToken: 'access-2' });
    expect(auth.refresh).toHaveBeenCalledWith(session(1).refreshToken);
  });

  it('when the refresh token was revoked, then restore ends signed out with the session forgotten', async () => {
    const { created, storage } = setup({
      refresh: vi.fn(async () => {
        throw new ApiError('UNAUTHENTICATED', 'revoked', 401);
      }),
    });
    await created().store.getState().login({ username: 'alice', password: 'pw' });
    const { store } = created();
    await store.getState().restore();
    expect(store.getState().phase).toBe('signed-out');
    expect(storage.get('session')).toBeUndefined();
  });

  it('when refreshing is rate limited or the server cannot answer, then the remembered session is kept for the next start', async () => {
    for (const [code, status] of [
      ['RATE_LIMITED', 429],
      ['DEPENDENCY_UNAVAILABLE', 503],
    ] as const) {
      const { created, storage } = setup({
        refresh: vi.fn(async () => {
          throw new ApiError(code, 'not now', status);
        }),
      });
      await created().store.getState().login({ username: 'alice', password: 'pw' });
      const { store } = created();
      await store.getState().restore();
      expect(store.getState().phase).toBe('signed-out');
      expect(storage.get<{ refreshToken: string }>('session')?.refreshToken).toBe(session(1).refreshToken);
    }
  });

  it('when several requests hit 401 at once, then only one refresh runs (token rotation safe)', async () => {
    let release: () => void = () => undefined;
    const refresh = vi.fn(
      () =>
        new Promise<ReturnType<typeof session>>((r) => {
          release = () => r(session(99));
        }),
    );
    const { created } = setup({ refresh });
    const a = created();
    await a.store.getState().login({ username: 'alice', password: 'pw' });
    const p1 = a.refresh();
    const p2 = a.refresh();
    release();
    expect(await p1).toBe('access-99');
    expect(await p2).toBe('access-99');
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('when login fails with a known code, then the caller gets the code and a clear message, and no error is left in the store', async () => {
    const { created } = setup({
      login: vi.fn(async () => {
        throw new ApiError('INVALID_CREDENTIALS', 'nope', 401);
      }),
    });
    const { store } = created();
    expect(await store.getState().login({ username: 'alice', password: 'bad' })).toEqual({
      ok: false,
      code: 'INVALID_CREDENTIALS',
      message: 'Wrong username or password.',
    });
    expect(store.getState()).toMatchObject({ user: null, busy: false, error: null });
  });

  it('when logging out, then the session is dropped locally and revoked on the server', async () => {
    const { created, auth, storage } = setup();
    const { store } = created();
    await store.getState().login({ username: 'alice', password: 'pw' });
    await store.getState().logout();
    expect(store.getState()).toMatchObject({ phase: 'signed-out', user: null, accessToken: null });
    expect(auth.logout).toHaveBeenCalledWith(session(1).refreshToken);
    expect(storage.get('session')).toBeUndefined();
  });

  it('normalizes typed server addresses to an origin', () => {
    expect(normalizeServerUrl('parley.example.org/')).toBe('http://parley.example.org');
    expect(normalizeServerUrl('https://x.org:8443/app/')).toBe('https://x.org:8443');
  });
});
