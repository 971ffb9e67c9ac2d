import { createStore, type StoreApi } from 'zustand/vanilla';
import type { UserExport } from '@shared/api/account';
import { ApiError } from '../../api/http-client';
import type { ParleyApi } from '../../api/parley-api';
import { failure, ok, type Result } from '../../api/result';
import type { DeviceSession, UserStatus } from '../../api/types';
import type { AuthActions, AuthState } from '../auth/auth.store';

export interface AccountActions {
  setDisplayName(displayName: string): Promise<Result>;
  /** Needs the current password; a name someone else has (in any case) is refused with a message saying so. */
  setUsername(username: string, currentPassword: string): Promise<Result>;
  /** The chosen status (online / idle / dnd / invisible), kept on the account for every session. */
  setStatus(status: UserStatus): Promise<Result>;
  /** My signed-in devices, the current one marked. */
  listSessions(): Promise<Result<DeviceSession[]>>;
  revokeSession(sessionId: string): Promise<Result>;
  revokeOtherSessions(): Promise<Result>;
  /** The server ends every session on a password change, this one too: sign in again with the new password. */
  changePassword(currentPassword: string, password: string): Promise<Result>;
  /** GET /users/@me/export, as the JSON the user downloads. */
  exportData(): Promise<Result<UserExport>>;
  deleteAccount(password: string): Promise<Result>;
}

export type AccountStore = StoreApi<AccountActions>;

/** The signed-in user's own account. No state of its own: the user lives in the auth store, which this updates. */
export function createAccountStore(deps: { api: () => ParleyApi; auth: StoreApi<AuthState & AuthActions> }): AccountStore {
  /** The shared Result, but for CONFLICT the server's own message. */
  async function attempt<T>(call: () => Promise<T>): Promise<Result<T>> {
    try {
      return ok(await call());
    } catch (err) {
      // CONFLICT here is "you still own a guild": the server's message says what to do.
      const f = failure(err);
      return err instanceof ApiError && err.code === 'CONFLICT' ? { ...f, message: err.message } : f;
    }
  }
  return createStore<AccountActions>()(() => ({
    async setDisplayName(displayName) {
      const r = await attempt(() => deps.api().account.update({ displayName }));
      if (!r.ok) return r;
      deps.auth.setState({ user: r.value });
      return ok(undefined);
    },
    async setUsername(username, currentPassword) {
      const r = await attempt(() => deps.api().account.update({ username, currentPassword }));
      if (!r.ok) {
        if (r.code === 'INVALID_CREDENTIALS') return { ...r, message: 'Your current password is wrong.' };
        return r;
      }
      deps.auth.setState({ user: r.value });
      return ok(undefined);
    },
    async setStatus(status) {
      const r = await attempt(() => deps.api().account.update({ status }));
      if (!r.ok) return r;
      deps.auth.setState({ user: r.value });
      return ok(undefined);
    },
    listSessions: () => attempt(() => deps.api().account.sessions()),
    async revokeSession(sessionId) {
      const r = await attempt(() => deps.api().account.revokeSession(sessionId));
      return r.ok ? ok(undefined) : r;
    },
    async revokeOtherSessions() {
      const r = await attempt(() => deps.api().account.revokeOtherSessions());
      return r.ok ? ok(undefined) : r;
    },
    async changePassword(currentPassword, password) {
      const r = await attempt(() => deps.api().account.update({ currentPassword, password }));
      if (!r.ok) return r.code === 'INVALID_CREDENTIALS' ? { ...r, message: 'Your current password is wrong.' } : r;
      const username = r.value.username;
      if (!(await deps.auth.getState().login({ username, password })).ok) {
        return {
          ok: false,
          code: 'RELOGIN_FAILED',
          message: 'Password changed, but signing in again failed: log in with the new password.',
        };
      }
      return ok(undefined);
    },
    exportData: () => attempt(() => deps.api().account.exportData()),
    async deleteAccount(password) {
      const r = await attempt(() => deps.api().account.remove(password));
      if (!r.ok) return r.code === 'INVALID_CREDENTIALS' ? { ...r, message: 'That password is wrong.' } : r;
      await deps.auth.getState().logout();
      return ok(undefined);
    },
  }));
}
