import type { ContactPrivacy, PrivacySettings, Relationship, RelationshipType } from '@shared/api/relationships';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { ApiError, describeError } from '../../api/http-client';
import type { ParleyApi } from '../../api/parley-api';
import { ok, type Result } from '../../api/result';

/**
 * My friends, friend requests each way and blocks (issue 16), from READY, the actions below and RELATIONSHIP_ADD/REMOVE
 * events (which also carry my other sessions' changes, and the other user's: their accept, their cancel). A user who
 * blocked me is simply not here. Also my privacy setting (who may DM and call me), from READY and
 * PRIVACY_SETTINGS_UPDATE.
 */
export interface RelationshipsState {
  /** By the other user's id. */
  byUserId: Record<string, Relationship>;
  privacy: PrivacySettings | null;
  /** Whether READY (or a list request) has filled this in. */
  loaded: boolean;
}

export interface RelationshipsActions {
  /** READY's relationships and privacy settings (absent from an older server: then they are asked for). */
  applyReady(relationships: readonly Relationship[] | undefined, privacy: PrivacySettings | undefined): void;
  /** "Add Friend" by username: the answer is the sentence to show under the form. */
  sendRequest(username: string): Promise<Result<Relationship>>;
  /** A profile's or a member menu's "Add Friend". */
  sendRequestTo(userId: string): Promise<Result<Relationship>>;
  accept(userId: string): Promise<Result>;
  /** Remove a friend, decline their request or cancel mine. */
  remove(userId: string): Promise<Result>;
  block(userId: string): Promise<Result>;
  unblock(userId: string): Promise<Result>;
  setPrivacy(dmsAndCallsFrom: ContactPrivacy): Promise<Result>;
  /** RELATIONSHIP_ADD */
  receive(r: Relationship): void;
  /** RELATIONSHIP_REMOVE */
  receiveRemove(userId: string): void;
  /** PRIVACY_SETTINGS_UPDATE */
  receivePrivacy(p: PrivacySettings): void;
  reset(): void;
}

export type RelationshipsStore = StoreApi<RelationshipsState & RelationshipsActions>;

type Port = Pick<ParleyApi, 'relationships'>;

/** A refused friend request in the words Discord uses: the server gives the same 403 whatever the reason. */
export function friendRequestErrorText(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 404) return "Hm, didn't work. There is no user with that username.";
    if (err.status === 403) return "They don't accept friend requests from you (or you blocked them).";
    if (err.status === 400) return "That's you! You can't add yourself as a friend.";
  }
  return describeError(err);
}

const failed = (message: string, err: unknown): { ok: false; code: string; message: string } => ({
  ok: false,
  code: err instanceof ApiError ? err.code : 'UNKNOWN',
  message,
});

/** The relationships of one type, by name. */
export function relationshipsOf(state: RelationshipsState, ...types: RelationshipType[]): Relationship[] {
  return Object.values(state.byUserId)
    .filter((r) => types.includes(r.type))
    .sort((a, b) => a.user.displayName.localeCompare(b.user.displayName) || a.user.id.localeCompare(b.user.id));
}

export const pendingIncomingCount = (state: RelationshipsState): number =>
  Object.values(state.byUserId).filter((r) => r.type === 'incoming').length;

export function createRelationshipsStore(deps: { api: () => Port }): RelationshipsStore {
  const put = (r: Relationship) => store.setState((s) => ({ byUserId: { ...s.byUserId, [r.user.id]: r } }));
  const drop = (userId: string) =>
    store.setState((s) => {
      if (!(userId in s.byUserId)) return s;
      const { [userId]: _gone, ...rest } = s.byUserId;
      return { byUserId: rest };
    });
  /** Runs a call; the answer (or its absence for 204s) is applied by `then`, and again by the gateway event. */
  const run = async <T>(call: () => Promise<T>, then: (v: T) => void): Promise<Result> => {
    try {
      then(await call());
      return ok(undefined);
    } catch (err) {
      return failed(describeError(err), err);
    }
  };

  const store = createStore<RelationshipsState & RelationshipsActions>()((set, get) => ({
    byUserId: {},
    privacy: null,
    loaded: false,

    applyReady(relationships, privacy) {
      if (relationships) set({ byUserId: Object.fromEntries(relationships.map((r) => [r.user.id, r])), loaded: true });
      else
        void deps
          .api()
          .relationships.list()
          .then((items) => set({ byUserId: Object.fromEntries(items.map((r) => [r.user.id, r])), loaded: true }))
          .catch(() => set({ loaded: true }));
      if (privacy) set({ privacy });
      else
        void deps
          .api()
          .relationships.privacy()
          .then((p) => set({ privacy: p }))
          .catch(() => undefined);
    },

    async sendRequest(username) {
      try {
        const r = await deps.api().relationships.request({ username: username.trim() });
        put(r);
        return ok(r);
      } catch (err) {
        return failed(friendRequestErrorText(err), err);
      }
    },

    async sendRequestTo(userId) {
      try {
        const r = await deps.api().relationships.request({ userId });
        put(r);
        return ok(r);
      } catch (err) {
        return failed(friendRequestErrorText(err), err);
      }
    },

    accept: (userId) => run(() => deps.api().relationships.accept(userId), put),
    remove: (userId) =>
      run(
        () => deps.api().relationships.remove(userId),
        () => drop(userId),
      ),
    block: (userId) => run(() => deps.api().relationships.block(userId), put),
    unblock: (userId) =>
      run(
        () => deps.api().relationships.unblock(userId),
        () => drop(userId),
      ),

    async setPrivacy(dmsAndCallsFrom) {
      const before = get().privacy;
      set({ privacy: { dmsAndCallsFrom } });
      const r = await run(
        () => deps.api().relationships.updatePrivacy({ dmsAndCallsFrom }),
        (p) => set({ privacy: p }),
      );
      if (!r.ok) set({ privacy: before });
      return r;
    },

    receive: put,
    receiveRemove: drop,
    receivePrivacy: (privacy) => set({ privacy }),
    reset: () => set({ byUserId: {}, privacy: null, loaded: false }),
  }));
  return store;
}
