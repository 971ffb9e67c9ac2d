import type { PrivateChannel } from '@shared/api/private-channels';
import type { PublicUser } from '@shared/api/users';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ParleyApi } from '../../api/parley-api';
import { attempt, type Result } from '../../api/result';

/**
 * My DMs and group DMs (issue 16), from READY, the actions below and PRIVATE_CHANNEL_CREATE/UPDATE/DELETE, plus what
 * the Home view shows: the friends page (`selectedId` null) or one DM. Messages live in chat.store like a guild
 * channel's; the newest message id moves here too (MESSAGE_CREATE with `guildId: null`) so the list re-sorts.
 */
export interface PrivateChannelsState {
  byId: Record<string, PrivateChannel>;
  /** The DM open in the Home view; null: the friends page. */
  selectedId: string | null;
  loaded: boolean;
}

export interface PrivateChannelsActions {
  applyReady(channels: readonly PrivateChannel[] | undefined): void;
  select(channelId: string | null): void;
  /** The 1:1 DM with one user (created the first time), or a new group with several; selected when it opens. */
  open(recipientIds: string[], name?: string): Promise<Result<PrivateChannel>>;
  rename(channelId: string, name: string | null): Promise<Result<PrivateChannel>>;
  addRecipient(channelId: string, userId: string): Promise<Result<PrivateChannel>>;
  /** The group's owner removes someone (PRIVATE_CHANNEL_UPDATE brings the new list). */
  removeRecipient(channelId: string, userId: string): Promise<Result<undefined>>;
  /** Leave a group, or close a 1:1 DM (it comes back with its next message). */
  close(channelId: string): Promise<Result<undefined>>;
  /** PRIVATE_CHANNEL_CREATE / UPDATE */
  receive(channel: PrivateChannel): void;
  /** PRIVATE_CHANNEL_DELETE */
  receiveDelete(channelId: string): void;
  /** A new message in one of my DMs. */
  noteMessage(channelId: string, messageId: string): void;
  reset(): void;
}

export type PrivateChannelsStore = StoreApi<PrivateChannelsState & PrivateChannelsActions>;

type Port = Pick<ParleyApi, 'privateChannels'>;

/** Newest activity first (a channel without messages by when it was created, as ids and dates both sort by time). */
export function sortedChannels(byId: Record<string, PrivateChannel>): PrivateChannel[] {
  const key = (c: PrivateChannel) => c.lastMessageId ?? '';
  return Object.values(byId).sort((a, b) => key(b).localeCompare(key(a)) || b.createdAt.localeCompare(a.createdAt));
}

/** What the list and the header call a DM: the group's name, else the recipients' names. */
export function channelLabel(c: Pick<PrivateChannel, 'name' | 'recipients'>): string {
  if (c.name) return c.name;
  if (c.recipients.length === 0) return 'Empty group';
  return c.recipients.map((u: PublicUser) => u.displayName).join(', ');
}

export function createPrivateChannelsStore(deps: { api: () => Port }): PrivateChannelsStore {
  const store = createStore<PrivateChannelsState & PrivateChannelsActions>()((set, get) => {
    const put = (c: PrivateChannel) =>
      set((s) => {
        const cur = s.byId[c.id];
        // A late answer must not take the newest message id backwards.
        const lastMessageId =
          cur?.lastMessageId && (!c.lastMessageId || cur.lastMessageId > c.lastMessageId) ? cur.lastMessageId : c.lastMessageId;
        return { byId: { ...s.byId, [c.id]: { ...c, lastMessageId } } };
      });
    return {
      byId: {},
      selectedId: null,
      loaded: false,

      applyReady(channels) {
        if (channels) {
          set({ byId: Object.fromEntries(channels.map((c) => [c.id, c])), loaded: true });
          return;
        }
        void deps
          .api()
          .privateChannels.list()
          .then((items) => set({ byId: Object.fromEntries(items.map((c) => [c.id, c])), loaded: true }))
          .catch(() => set({ loaded: true }));
      },

      select: (selectedId) => set({ selectedId }),

      async open(recipientIds, name) {
        const r = await attempt(() => deps.api().privateChannels.open(name ? { recipientIds, name } : { recipientIds }));
        if (r.ok) {
          put(r.value);
          set({ selectedId: r.value.id });
        }
        return r;
      },

      async rename(channelId, name) {
        const r = await attempt(() => deps.api().privateChannels.rename(channelId, name));
        if (r.ok) put(r.value);
        return r;
      },

      async addRecipient(channelId, userId) {
        const r = await attempt(() => deps.api().privateChannels.addRecipient(channelId, userId));
        if (r.ok) put(r.value);
        return r;
      },

      async removeRecipient(channelId, userId) {
        const r = await attempt(async () => {
          await deps.api().privateChannels.removeRecipient(channelId, userId);
          return undefined;
        });
        const c = get().byId[channelId];
        if (r.ok && c) put({ ...c, recipients: c.recipients.filter((u) => u.id !== userId) });
        return r;
      },

      async close(channelId) {
        const r = await attempt(async () => {
          await deps.api().privateChannels.close(channelId);
          return undefined;
        });
        if (r.ok) get().receiveDelete(channelId);
        return r;
      },

      receive: put,

      receiveDelete(channelId) {
        set((s) => {
          if (!(channelId in s.byId)) return s;
          const { [channelId]: _gone, ...byId } = s.byId;
          return { byId, selectedId: s.selectedId === channelId ? null : s.selectedId };
        });
      },

      noteMessage(channelId, messageId) {
        const c = get().byId[channelId];
        if (!c || (c.lastMessageId && c.lastMessageId >= messageId)) return;
        set((s) => ({ byId: { ...s.byId, [channelId]: { ...c, lastMessageId: messageId } } }));
      },

      reset: () => set({ byId: {}, selectedId: null, loaded: false }),
    };
  });
  return store;
}
