import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Channel, ReadState, ReadStateUpdateEvent } from '../../api/types';

/**
 * Unread state. The read markers live on the server (one per channel, shared by every session of the user): this
 * store takes them from READY / GUILD_CREATE (`applyReadStates`), from READ_STATE_UPDATE events of the user's other
 * sessions (`receiveReadState`) and from its own acks. The newest message id per channel comes from the snapshots and
 * channel lists (their lastMessageId) and from MESSAGE_CREATE; mention counts from the server, plus live mentions.
 *
 * `markRead` moves the marker forward at once and sends the ack after `ackDelayMs` of quiet (one request however fast
 * messages arrive while you read), never for a message older than the marker. `markUnread` sends at once.
 */
export interface UnreadState {
  lastMessageId: Record<string, string>;
  lastReadId: Record<string, string>;
  mentionCount: Record<string, number>;
}

export interface UnreadActions {
  markRead(channelId: string, messageId: string): void;
  /** "Mark unread": the marker moves to just before `messageId`, here and on the server. */
  markUnread(channelId: string, messageId: string): void;
  /** Sends pending acks now (Escape, leaving the channel). */
  flush(): void;
  /** "Mark server as read". */
  markGuildRead(guildId: string, channelIds: readonly string[]): void;
  noteMessage(channelId: string, messageId: string, mentionsMe: boolean, isOwn: boolean): void;
  /** The server's newest message id per channel (guild snapshots, channel lists) merged into what we know. */
  noteChannels(channels: readonly Pick<Channel, 'id' | 'lastMessageId'>[]): void;
  /** A guild snapshot's read states: the server's word for these channels (channels not listed were never read). */
  applyReadStates(channelIds: readonly string[], states: readonly ReadState[]): void;
  /** Another session acked or marked unread. */
  receiveReadState(e: ReadStateUpdateEvent): void;
  /** Sign-out: forget everything (the markers are the server's). */
  reset(): void;
}

export type UnreadStore = StoreApi<UnreadState & UnreadActions>;

export interface ReadStateStorage {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  remove(key: string): void;
}

export interface ReadStatePort {
  ack(channelId: string, messageId: string, manual?: boolean): Promise<ReadState>;
  ackGuild(guildId: string): Promise<ReadState[]>;
}

/**
 * Where markers were kept before they moved to the server. Read once: a marker newer than the server's is acked (so
 * reading done on this device before the upgrade is not lost), then the key is removed.
 */
export const LEGACY_READ_KEY = 'readState.v2';

/** The id just before `id` (ids are 24 hex digits that sort as numbers), as the server stores "unread from `id` on". */
export function idBefore(id: string): string {
  const n = BigInt(`0x${id}`);
  return (n > 0n ? n - 1n : 0n).toString(16).padStart(24, '0');
}

const without = <T>(rec: Record<string, T>, key: string): Record<string, T> => {
  if (!(key in rec)) return rec;
  const { [key]: _dropped, ...rest } = rec;
  return rest;
};

export function createUnreadStore(
  deps: { api?: ReadStatePort; storage?: ReadStateStorage; ackDelayMs?: number; onError?: (err: unknown) => void } = {},
): UnreadStore {
  const delay = deps.ackDelayMs ?? 1000;
  const onError = deps.onError ?? (() => undefined);
  /** Channel → the id waiting to be acked, and its timer. */
  const pending = new Map<string, { id: string; timer: ReturnType<typeof setTimeout> }>();
  let legacy = deps.storage?.get<Record<string, string>>(LEGACY_READ_KEY) ?? null;

  const send = (channelId: string) => {
    const p = pending.get(channelId);
    if (!p) return;
    clearTimeout(p.timer);
    pending.delete(channelId);
    deps.api?.ack(channelId, p.id).then((state) => store.getState().receiveReadState({ ...state, manual: false }), onError);
  };

  const store = createStore<UnreadState & UnreadActions>()((set, get) => ({
    lastMessageId: {},
    lastReadId: {},
    mentionCount: {},

    markRead(channelId, messageId) {
      const cur = get().lastReadId[channelId];
      if (cur !== undefined && cur >= messageId) {
        if (get().mentionCount[channelId] !== undefined) set({ mentionCount: without(get().mentionCount, channelId) });
        return;
      }
      set({ lastReadId: { ...get().lastReadId, [channelId]: messageId }, mentionCount: without(get().mentionCount, channelId) });
      const prev = pending.get(channelId);
      if (prev) clearTimeout(prev.timer);
      pending.set(channelId, { id: messageId, timer: setTimeout(() => send(channelId), delay) });
    },

    markUnread(channelId, messageId) {
      const prev = pending.get(channelId);
      if (prev) clearTimeout(prev.timer);
      pending.delete(channelId);
      const lastReadId = idBefore(messageId);
      set({ lastReadId: { ...get().lastReadId, [channelId]: lastReadId } });
      deps.api?.ack(channelId, messageId, true).then((state) => get().receiveReadState({ ...state, manual: true }), onError);
    },

    flush() {
      for (const channelId of [...pending.keys()]) send(channelId);
    },

    markGuildRead(guildId, channelIds) {
      for (const id of channelIds) {
        const last = get().lastMessageId[id];
        if (last) get().markRead(id, last);
        const p = pending.get(id);
        if (p) clearTimeout(p.timer);
        pending.delete(id);
      }
      deps.api?.ackGuild(guildId).then((states) => {
        for (const s of states) get().receiveReadState({ ...s, manual: false });
      }, onError);
    },

    noteMessage(channelId, messageId, mentionsMe, isOwn) {
      set((s) => ({
        lastMessageId:
          !s.lastMessageId[channelId] || s.lastMessageId[channelId] < messageId
            ? { ...s.lastMessageId, [channelId]: messageId }
            : s.lastMessageId,
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

    applyReadStates(channelIds, states) {
      const byId = new Map(states.map((s) => [s.channelId, s]));
      const lastReadId = { ...get().lastReadId };
      const mentionCount = { ...get().mentionCount };
      for (const id of channelIds) {
        const s = byId.get(id);
        // An ack of ours still on its way is newer than the snapshot.
        const mine = pending.get(id)?.id;
        if (s?.lastReadId && !(mine && mine > s.lastReadId)) lastReadId[id] = s.lastReadId;
        else if (!s?.lastReadId && !mine) delete lastReadId[id];
        if (s && s.mentionCount > 0 && !mine) mentionCount[id] = s.mentionCount;
        else delete mentionCount[id];
      }
      set({ lastReadId, mentionCount });
      // One-time migration of this device's old markers: ack those the server does not have yet.
      if (legacy) {
        for (const id of channelIds) {
          const old = legacy[id];
          if (old === undefined) continue;
          const last = get().lastMessageId[id];
          if (last) get().markRead(id, old > last ? last : old);
          delete legacy[id];
        }
        if (Object.keys(legacy).length === 0) {
          deps.storage?.remove(LEGACY_READ_KEY);
          legacy = null;
        } else deps.storage?.set(LEGACY_READ_KEY, legacy);
      }
    },

    receiveReadState(e) {
      const cur = get().lastReadId[e.channelId];
      const mine = pending.get(e.channelId)?.id;
      if (
        !e.manual &&
        ((cur !== undefined && e.lastReadId !== null && cur > e.lastReadId) || (mine && e.lastReadId !== null && mine > e.lastReadId))
      )
        return;
      if (e.manual) {
        const p = pending.get(e.channelId);
        if (p) clearTimeout(p.timer);
        pending.delete(e.channelId);
      }
      set({
        lastReadId: e.lastReadId === null ? without(get().lastReadId, e.channelId) : { ...get().lastReadId, [e.channelId]: e.lastReadId },
        mentionCount:
          e.mentionCount > 0 ? { ...get().mentionCount, [e.channelId]: e.mentionCount } : without(get().mentionCount, e.channelId),
      });
    },

    reset() {
      for (const p of pending.values()) clearTimeout(p.timer);
      pending.clear();
      set({ lastMessageId: {}, lastReadId: {}, mentionCount: {} });
    },
  }));
  return store;
}

/** A channel is unread when the newest message we know of is newer than the newest we have read. */
export function isUnread(s: Pick<UnreadState, 'lastMessageId' | 'lastReadId'>, channelId: string): boolean {
  const last = s.lastMessageId[channelId];
  if (!last) return false;
  const read = s.lastReadId[channelId];
  return read === undefined || read < last;
}
