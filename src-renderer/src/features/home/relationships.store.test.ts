import type { Relationship } from '@shared/api/relationships';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/http-client';
import type { ParleyApi } from '../../api/parley-api';
import { createRelationshipsStore, pendingIncomingCount, relationshipsOf } from './relationships.store';

const id = (n: number) => String(n).padStart(24, '0');
const rel = (n: number, type: Relationship['type'], name = `User ${n}`): Relationship => ({
  user: { id: id(n), username: `user${n}`, displayName: name, avatar: null },
  type,
  since: '2026-01-01T00:00:00.000Z',
});

/** A fake of the relationships API: answers from `server` (the other side's view is not modelled), or fails with `fail`. */
function harness(initial: Relationship[] = [], fail?: ApiError) {
  const calls: string[] = [];
  const server = new Map(initial.map((r) => [r.user.id, r]));
  const maybeFail = () => {
    if (fail) throw fail;
  };
  const relationships = {
    list: async () => (calls.push('list'), maybeFail(), [...server.values()]),
    request: async (body: { username: string } | { userId: string }) => {
      calls.push(`request:${'username' in body ? body.username : body.userId}`);
      maybeFail();
      const r = rel(9, 'outgoing', 'Nine');
      server.set(r.user.id, r);
      return r;
    },
    accept: async (userId: string) => (
      calls.push(`accept:${userId}`),
      maybeFail(),
      { ...(server.get(userId) as Relationship), type: 'friend' as const }
    ),
    remove: async (userId: string) => (calls.push(`remove:${userId}`), maybeFail(), undefined),
    block: async (userId: string) => (calls.push(`block:${userId}`), maybeFail(), { ...rel(Number.parseInt(userId, 10), 'blocked') }),
    unblock: async (userId: string) => (calls.push(`unblock:${userId}`), maybeFail(), undefined),
    privacy: async () => (calls.push('privacy'), maybeFail(), { dmsAndCallsFrom: 'friends-and-guild-members' as const }),
    updatePrivacy: async (body: { dmsAndCallsFrom: 'friends' | 'friends-and-guild-members' }) => (
      calls.push(`privacy:${body.dmsAndCallsFrom}`),
      maybeFail(),
      body
    ),
  };
  const store = createRelationshipsStore({ api: () => ({ relationships }) as unknown as ParleyApi });
  return { store, calls };
}

describe('relationships store', () => {
  it('when READY carries relationships and privacy, then they are taken without a request, sorted by name per type', () => {
    const { store, calls } = harness();
    store.getState().applyReady([rel(2, 'friend', 'Bea'), rel(1, 'friend', 'Ann'), rel(3, 'incoming'), rel(4, 'blocked')], {
      dmsAndCallsFrom: 'friends',
    });
    expect(calls).toEqual([]);
    expect(store.getState().loaded).toBe(true);
    expect(relationshipsOf(store.getState(), 'friend').map((r) => r.user.displayName)).toEqual(['Ann', 'Bea']);
    expect(pendingIncomingCount(store.getState())).toBe(1);
    expect(store.getState().privacy).toEqual({ dmsAndCallsFrom: 'friends' });
  });

  it('when READY has no relationships (an older server), then the list and the privacy setting are asked for', async () => {
    const { store, calls } = harness([rel(1, 'friend')]);
    store.getState().applyReady(undefined, undefined);
    await new Promise((r) => setTimeout(r, 0));
    expect(calls.sort()).toEqual(['list', 'privacy']);
    expect(Object.keys(store.getState().byUserId)).toEqual([id(1)]);
    expect(store.getState().privacy?.dmsAndCallsFrom).toBe('friends-and-guild-members');
  });

  it('when a friend request by username succeeds, then the outgoing request is listed at once', async () => {
    const { store, calls } = harness();
    const r = await store.getState().sendRequest('  nine ');
    expect(r.ok).toBe(true);
    expect(calls).toEqual(['request:nine']);
    expect(store.getState().byUserId[id(9)]?.type).toBe('outgoing');
  });

  it.each([
    [404, 'NOT_FOUND', /no user with that username/],
    [403, 'FORBIDDEN', /don't accept friend requests/],
    [400, 'VALIDATION_FAILED', /can't add yourself/],
  ])(
    'when the server answers %i to a friend request, then the form gets words for it and nothing is listed',
    async (status, code, text) => {
      const { store } = harness([], new ApiError(code, 'refused', status));
      const r = await store.getState().sendRequest('nobody');
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toMatch(text);
      expect(store.getState().byUserId).toEqual({});
    },
  );

  it('when accepting, removing, blocking and unblocking, then the list follows each answer', async () => {
    const { store } = harness([rel(3, 'incoming'), rel(5, 'friend')]);
    store.getState().applyReady([rel(3, 'incoming'), rel(5, 'friend')], { dmsAndCallsFrom: 'friends' });
    expect((await store.getState().accept(id(3))).ok).toBe(true);
    expect(store.getState().byUserId[id(3)]?.type).toBe('friend');
    await store.getState().remove(id(3));
    expect(store.getState().byUserId[id(3)]).toBeUndefined();
    await store.getState().block(id(5));
    expect(store.getState().byUserId[id(5)]?.type).toBe('blocked');
    await store.getState().unblock(id(5));
    expect(store.getState().byUserId).toEqual({});
  });

  it('when RELATIONSHIP_ADD and _REMOVE arrive (the other user acting, or my other session), then the list follows them', () => {
    const { store } = harness();
    store.getState().applyReady([rel(1, 'outgoing')], { dmsAndCallsFrom: 'friends' });
    store.getState().receive(rel(1, 'friend'));
    expect(store.getState().byUserId[id(1)]?.type).toBe('friend');
    store.getState().receive(rel(2, 'incoming'));
    expect(pendingIncomingCount(store.getState())).toBe(1);
    store.getState().receiveRemove(id(2));
    store.getState().receiveRemove(id(7));
    expect(Object.keys(store.getState().byUserId)).toEqual([id(1)]);
  });

  it('when the privacy setting is changed, then it shows at once; when the server refuses, then the old value comes back', async () => {
    const ok = harness();
    ok.store.getState().applyReady([], { dmsAndCallsFrom: 'friends-and-guild-members' });
    expect((await ok.store.getState().setPrivacy('friends')).ok).toBe(true);
    expect(ok.calls).toEqual(['privacy:friends']);
    expect(ok.store.getState().privacy?.dmsAndCallsFrom).toBe('friends');
    ok.store.getState().receivePrivacy({ dmsAndCallsFrom: 'friends-and-guild-members' });
    expect(ok.store.getState().privacy?.dmsAndCallsFrom).toBe('friends-and-guild-members');

    const bad = harness([], new ApiError('NETWORK', 'offline', 0));
    bad.store.getState().applyReady([], { dmsAndCallsFrom: 'friends-and-guild-members' });
    expect((await bad.store.getState().setPrivacy('friends')).ok).toBe(false);
    expect(bad.store.getState().privacy?.dmsAndCallsFrom).toBe('friends-and-guild-members');
  });
});
