import type { StoreApi } from 'zustand/vanilla';
import type { ParleyApi } from '../../api/parley-api';
import { failure, ok, type Result } from '../../api/result';
import type { AuthActions, AuthState } from '../auth/auth.store';

export interface AvatarActions {
  /** The cropped picture becomes my avatar; everyone sharing a server with me sees it at once (MEMBER_UPDATE). */
  setAvatar(image: Blob): Promise<Result>;
  removeAvatar(): Promise<Result>;
}

/** My avatar. Like the account store it keeps no state: the user (with its avatar hash) lives in the auth store. */
export function createAvatarActions(deps: { api: () => ParleyApi; auth: StoreApi<AuthState & AuthActions> }): AvatarActions {
  async function apply(call: () => Promise<AuthState['user']>): Promise<Result> {
    try {
      const user = await call();
      if (user) deps.auth.setState({ user });
      return ok(undefined);
    } catch (err) {
      return failure(err);
    }
  }
  return {
    setAvatar: (image) => apply(() => deps.api().account.setAvatar(image)),
    removeAvatar: () => apply(() => deps.api().account.removeAvatar()),
  };
}
