import { describe, expect, it, vi } from 'vitest';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { ApiError } from '../../api/http-client';
import type { ParleyApi } from '../../api/parley-api';
import type { AuthActions, AuthState } from '../auth/auth.store';
import { createAvatarActions } from './avatar.store';

const me = {
  id: '0'.repeat(24),
  username: 'alice',
  displayName: 'Alice',
  avatar: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  status: 'online' as const,
};

function setup(account: Partial<ParleyApi['account']>) {
  // Only `user` is read or written by the avatar actions.
  const auth = createStore(() => ({ user: me })) as unknown as StoreApi<AuthState & AuthActions>;
  const api = { account } as unknown as ParleyApi;
  return { auth, actions: createAvatarActions({ api: () => api, auth }) };
}

describe('avatar actions', () => {
  it('when the upload succeeds, then the signed-in user carries the new avatar hash', async () => {
    const setAvatar = vi.fn(async () => ({ ...me, avatar: 'a'.repeat(32) }));
    const { auth, actions } = setup({ setAvatar });
    const image = new Blob(['x'], { type: 'image/png' });
    expect(await actions.setAvatar(image)).toEqual({ ok: true, value: undefined });
    expect(setAvatar).toHaveBeenCalledWith(image);
    expect(auth.getState().user?.avatar).toBe('a'.repeat(32));
  });

  it('when the server refuses, then the result says why and the user is unchanged', async () => {
    const { auth, actions } = setup({
      setAvatar: async () => {
        throw new ApiError('PAYLOAD_TOO_LARGE', 'too large', 413);
      },
    });
    expect(await actions.setAvatar(new Blob(['x']))).toEqual({ ok: false, code: 'PAYLOAD_TOO_LARGE', message: 'That is too large.' });
    expect(auth.getState().user).toBe(me);
  });

  it('when the avatar is removed, then the user has none', async () => {
    const { auth, actions } = setup({ removeAvatar: async () => ({ ...me, avatar: null }) });
    auth.setState({ user: { ...me, avatar: 'b'.repeat(32) } });
    expect((await actions.removeAvatar()).ok).toBe(true);
    expect(auth.getState().user?.avatar).toBeNull();
  });
});
