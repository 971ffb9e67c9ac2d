import { createStore, type StoreApi } from 'zustand/vanilla';
import { ApiError, type TokenSource } from '../../api/http-client';
import type { ParleyApi } from '../../api/parley-api';
import { failure, ok, type Result } from '../../api/result';
import type { User } from '../../api/types';
import type { KeyValueStorage } from '../../platform/storage';

export type AuthPhase = 'restoring' | 'signed-out' | 'signed-in';

export interface AuthState {
  phase: AuthPhase;
  serverUrl: string;
  user: User | null;
  accessToken: string | null;
  refreshToken: string | null;
  busy: boolean;
  /** Why the session ended without the user asking (expired, or could not be restored); login/register failures are their Result. */
  error: string | null;
}

export interface AuthActions {
  setServerUrl(url: string): void;
  register(input: { username: string; password: string; displayName?: string }): Promise<Result<User>>;
  login(input: { username: string; password: string }): Promise<Result<User>>;
  logout(): Promise<void>;
  /** The server ended this session (logged out from another device): back to the sign-in screen, saying `reason`. */
  endedRemotely(reason: string): void;
  /** On start: trade the remembered refresh token for a session, or show the login screen. */
  restore(): Promise<void>;
  clearError(): void;
}

export type AuthStore = StoreApi<AuthState & AuthActions>;

export interface AuthDeps {
  storage: KeyValueStorage;
  defaultServerUrl: string;
  makeApi(serverUrl: string, tokens: TokenSource): ParleyApi;
}

const REFRESH_KEY = 'session';

export function normalizeServerUrl(input: string): string {
  const trimmed = input.trim().replace(/\/+$/, '');
  if (!trimmed) return trimmed;
  const withScheme = /^https?:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  try {
    return new URL(withScheme).origin;
  } catch {
    return trimmed;
  }
}

/**
 * Session lifecycle. The refresh token is the only thing persisted (per server); the access token lives in memory.
 * Concurrent 401s share one refresh so rotation doesn't invalidate a token another request is about to use.
 */
export function createAuthStore(deps: AuthDeps): { store: AuthStore; api: () => ParleyApi; refresh: () => Promise<string | null> } {
  let api: ParleyApi;
  let refreshing: Promise<string | null> | null = null;

  const tokens: TokenSource = {
    accessToken: () => store.getState().accessToken,
    refresh: () => {
      refreshing ??= doRefresh().finally(() => {
        refreshing = null;
      });
      return refreshing;
    },
  };

  async function doRefresh(): Promise<string | null> {
    const rt = store.getState().refreshToken;
    if (!rt) return null;
    try {
      const next = await api.auth.refresh(rt);
      // The rotation answers with the account too, so restoring a session needs no separate /users/@me round trip.
      store.setState({ accessToken: next.accessToken, refreshToken: next.refreshToken, user: next.user });
      persist(next.refreshToken);
      return next.accessToken;
    } catch (err) {
      // Only a refusal of the token ends the session; a rate limit (429) or a server that cannot answer now (5xx) is
      // no verdict on it, like a network error: the remembered session stays for the next try.
      if (err instanceof ApiError && err.status > 0 && err.status < 500 && err.status !== 429) {
        signOutLocally('Your session has expired. Please log in again.');
      }
      return null;
    }
  }

  function persist(refreshToken: string | null) {
    const { serverUrl, user } = store.getState();
    if (refreshToken) deps.storage.set(REFRESH_KEY, { serverUrl, refreshToken, userId: user?.id ?? null });
    else deps.storage.remove(REFRESH_KEY);
  }

  function signOutLocally(error: string | null) {
    store.setState({ phase: 'signed-out', user: null, accessToken: null, refreshToken: null, busy: false, error });
    persist(null);
  }

  const initialServer = normalizeServerUrl(deps.storage.get<string>('serverUrl') ?? deps.defaultServerUrl);

  const store = createStore<AuthState & AuthActions>()((set, get) => ({
    phase: 'restoring',
    serverUrl: initialServer,
    user: null,
    accessToken: null,
    refreshToken: null,
    busy: false,
    error: null,

    setServerUrl(url) {
      const serverUrl = normalizeServerUrl(url);
      if (serverUrl === get().serverUrl) return;
      api = deps.makeApi(serverUrl, tokens);
      deps.storage.set('serverUrl', serverUrl);
      set({ serverUrl });
    },

    async register(input) {
      return authenticate(() => api.auth.register(input));
    },

    async login(input) {
      return authenticate(() => api.auth.login(input));
    },

    async logout() {
      const rt = get().refreshToken;
      signOutLocally(null);
      if (rt) await api.auth.logout(rt).catch(() => undefined);
    },

    endedRemotely(reason) {
      signOutLocally(reason);
    },

    async restore() {
      const saved = deps.storage.get<{ serverUrl: string; refreshToken: string }>(REFRESH_KEY);
      if (!saved || saved.serverUrl !== get().serverUrl) {
        set({ phase: 'signed-out' });
        return;
      }
      set({ refreshToken: saved.refreshToken });
      const access = await tokens.refresh();
      if (!access) {
        if (get().phase === 'restoring') set({ phase: 'signed-out', refreshToken: null });
        return;
      }
      set({ phase: 'signed-in', error: null });
    },

    clearError() {
      set({ error: null });
    },
  }));

  async function authenticate(call: () => Promise<{ user: User; accessToken: string; refreshToken: string }>): Promise<Result<User>> {
    store.setState({ busy: true, error: null });
    try {
      const session = await call();
      store.setState({
        phase: 'signed-in',
        user: session.user,
        accessToken: session.accessToken,
        refreshToken: session.refreshToken,
        busy: false,
      });
      persist(session.refreshToken);
      return ok(session.user);
    } catch (err) {
      store.setState({ busy: false });
      return failure(err);
    }
  }

  api = deps.makeApi(initialServer, tokens);
  return { store, api: () => api, refresh: tokens.refresh };
}
