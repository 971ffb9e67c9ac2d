import { createStore, type StoreApi } from 'zustand/vanilla';
import type { UserExport } from '@shared/api/account';
import { ApiError, describeError } from '../../api/http-client';
import type { ParleyApi } from '../../api/parley-api';
import type { DeviceSession, UserStatus } from '../../api/types';
import type { AuthActions, AuthState } from '../auth/auth.store';

export type AccountResult<T = undefined> = { ok: true; value: T } | { ok: false; error: string };

export interface AccountActions {
  setDisplayName(displayName: string): Promise<AccountResult>;
  /** Needs the current password; a name someone else has (in any case) is refused with a message saying so. */
  setUsername(username: string, currentPassword: string): Promise<AccountResult>;
  /** The chosen status (online / idle / dnd / invisible), kept on the account for every session. */
  setStatus(status: UserStatus): Promise<AccountResult>;
  /** My signed-in devices, the current one marked. */
  listSessions(): Promise<AccountResult<DeviceSession[]>>;
  revokeSession(sessionId: string): Promise<AccountResult>;
  revokeOtherSessions(): Promise<AccountResult>;
  /** The server ends every session on a password change, this one too: sign in again with the new password. */
  changePassword(currentPassword: string, password: string): Promise<AccountResult>;
  /** GET /users/@me/export, as the JSON the user downloads. */
  exportData(): Promise<AccountResult<UserExport>>;
  deleteAccount(password: string): Promise<AccountResult>;
}

export type AccountStore = StoreApi<AccountActions>;

/** The signed-in user's own account. No state of its own: the user lives in the auth store, which this updates. */
export function createAccountStore(deps: { api: () => ParleyApi; auth: StoreApi<AuthState & AuthActions> }): AccountStore {
  async function attempt<T>(call: () => Promise<T>): Promise<AccountResult<T>> {
    try {
      return { ok: true, value: await call() };
    } catch (err) {
      // CONFLICT here is "you still own a guild": the server's message says what to do.
      return { ok: false, error: err instanceof ApiError && err.code === 'CONFLICT' ? err.message : describeError(err) };
    }
  }
  return createStore<AccountActions>()(() => ({
    async setDisplayName(displayName) {
      const r = await attempt(() => deps.api().account.update({ displayName }));
      if (!r.ok) return r;
      deps.auth.setState({ user: r.value });
      return { ok: true, value: undefined };
    },
    async setUsername(username, currentPassword) {
      const r = await attempt(() => deps.api().account.update({ username, currentPassword }));
      if (!r.ok) {
        if (r.error === 'Wrong username or password.') return { ok: false, error: 'Your current password is wrong.' };
        return r;
      }
      deps.auth.setState({ user: r.value });
      return { ok: true, value: undefined };
    },
    async setStatus(status) {
      const r = await attempt(() => deps.api().account.update({ status }));
      if (!r.ok) return r;
      deps.auth.setState({ user: r.value });
      return { ok: true, value: undefined };
    },
    listSessions: () => attempt(() => deps.api().account.sessions()),
    async revokeSession(sessionId) {
      const r = await attempt(() => deps.api().account.revokeSession(sessionId));
      return r.ok ? { ok: true, value: undefined } : r;
    },
    async revokeOtherSessions() {
      const r = await attempt(() => deps.api().account.revokeOtherSessions());
      return r.ok ? { ok: true, value: undefined } : r;
    },
    async changePassword(currentPassword, password) {
      const r = await attempt(() => deps.api().account.update({ currentPassword, password }));
      if (!r.ok) return r.error === 'Wrong username or password.' ? { ok: false, error: 'Your current password is wrong.' } : r;
      const username = r.value.username;
      if (!(await deps.auth.getState().login({ username, password })).ok) {
        return { ok: false, error: 'Password changed, but signing in again failed: log in with the new password.' };
      }
      return { ok: true, value: undefined };
    },
    exportData: () => attempt(() => deps.api().account.exportData()),
    async deleteAccount(password) {
      const r = await attempt(() => deps.api().account.remove(password));
      if (!r.ok) return r.error === 'Wrong username or password.' ? { ok: false, error: 'That password is wrong.' } : r;
      await deps.auth.getState().logout();
      return { ok: true, value: undefined };
    },
  }));
}
