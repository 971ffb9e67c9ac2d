import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Channel } from '../../api/types';

/**
 * Unread state: the newest message id per channel we know of, the newest we have read (kept across restarts), and
 * unread mentions. Fed from the gateway (MESSAGE_CREATE) and from the channel lists (their lastMessageId); the read
 * markers are saved so a channel that got messages while we were away shows unread after a restart.
 */
export interface UnreadState {
  lastMessageId: Record<string, string>;
  lastReadId: Record<string, string>;
  mentionCount: Record<string, number>;
}

export interface UnreadActions {
  markRead(channelId: string, messageId: string): void;
  noteMessage(channelId: string, messageId: string, mentionsMe: boolean, isOwn: boolean): void;
  /** The server's newest message id per channel (guild snapshots, channel lists) merged into what we know. */
  noteChannels(channels: readonly Channel[]): void;
  /** Sign-out: forget what arrived, keep the read markers. */
  reset(): void;
}

export type UnreadStore = StoreApi<UnreadState & UnreadActions>;

export interface ReadStateStorage {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
}

// v2: message ids changed layout when messages became documents (server migration 001); read markers saved with the
// earlier ids do not compare with the new ones, so they are left behind.
const READ_KEY = 'readState.v2';

export function createUnreadStore(deps: { storage?: ReadStateStorage } = {}): UnreadStore {
  return createStore<UnreadState & UnreadActions>()((set, get) => ({
    lastMessageId: {},
    lastReadId: deps.storage?.get<Record<string, string>>(READ_KEY) ?? {},
    mentionCount: {},

    markRead(channelId, messageId) {
      const cur = get().lastReadId[channelId];
      if (cur !== undefined && cur >= messageId && get().mentionCount[channelId] === undefined) return;
      const lastReadId = { ...get().lastReadId, [channelId]: cur !== undefined && cur > messageId ? cur : messageId };
      const { [channelId]: _dropped, ...mentionCount } = get().mentionCount;
      set({ lastReadId, mentionCount });
      deps.storage?.set(READ_KEY, lastReadId);
    },

    noteMessage(channelId, messageId, mentionsMe, isOwn) {
      set((s) => ({
        lastMessageId: { ...s.lastMessageId, [channelId]: messageId },
        mentionCount: mentionsMe && !isOwn ? { ...s.mentionCount, [channelId]: (s.mentionCount[channelId] ?? 0) + 1 } : s.mentionCount,
      }));
      if (isOwn) get().markRead(channelId, messageId);
    },

    noteChannels(channels) {
      const known = get().lastMessageId;
      let next: Record<string, string> | null = null;
      for (const c of channels) {
        const cur = (next ?? known)[c.id];
        // Only ever forward: a live message newer than a snapshot is not overwritten by it.
        if (c.lastMessageId && (cur === undefined || cur < c.lastMessageId)) {
          next ??= { ...known };
          next[c.id] = c.lastMessageId;
        }
      }
      if (next) set({ lastMessageId: next });
    },

    reset() {
      set({ lastMessageId: {}, mentionCount: {} });
    },
  }));
}

/** A channel is unread when the newest message we know of is newer than the newest we have read. */
export function isUnread(s: Pick<UnreadState, 'lastMessageId' | 'lastReadId'>, channelId: string): boolean {
  const last = s.lastMessageId[channelId];
  if (!last) return false;
  const read = s.lastReadId[channelId];
  return read === undefined || read < last;
}
