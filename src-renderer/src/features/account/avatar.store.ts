import type { StoreApi } from 'zustand/vanilla';
import { describeError } from '../../api/http-client';
import type { ParleyApi } from '../../api/parley-api';
import type { AuthActions, AuthState } from '../auth/auth.store';
import type { AccountResult } from './account.store';

export interface AvatarActions {
  /** The cropped picture becomes my avatar; everyone sharing a server with me sees it at once (MEMBER_UPDATE). */
  setAvatar(image: Blob): Promise<AccountResult>;
  removeAvatar(): Promise<AccountResult>;
}

/** My avatar. Like the account store it keeps no state: the user (with its avatar hash) lives in the auth store. */
export function createAvatarActions(deps: { api: () => ParleyApi; auth: StoreApi<AuthState & AuthActions> }): AvatarActions {
  async function apply(call: () => Promise<AuthState['user']>): Promise<AccountResult> {
    try {
      const user = await call();
      if (user) deps.auth.setState({ user });
      return { ok: true, value: undefined };
    } catch (err) {
      return { ok: false, error: describeError(err) };
    }
  }
  return {
    setAvatar: (image) => apply(() => deps.api().account.setAvatar(image)),
    removeAvatar: () => apply(() => deps.api().account.removeAvatar()),
  };
}
