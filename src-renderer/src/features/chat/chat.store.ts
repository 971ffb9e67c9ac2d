import { createStore, type StoreApi } from 'zustand/vanilla';
import { ApiError, describeError } from '../../api/http-client';
import type { ParleyApi } from '../../api/parley-api';
import { failure, ok, type Result } from '../../api/result';
import type { PublicUser } from '../../api/types';
import { applyReaction } from './reactions';
import { firstConfirmed, lastConfirmed, mergeMessages, removeMessage, type ChatMessage } from './message-merge';

export const PAGE_SIZE = 50;

export interface ChannelChat {
  messages: ChatMessage[];
  /** False once a history page came back short: the start of the channel is loaded. */
  hasMoreBefore: boolean;
  loadingBefore: boolean;
  /** True once the newest page was loaded (the live tail is contiguous with what we show). */
  loaded: boolean;
  error: string | null;
  /**
   * Set while the gateway is down: live events that arrive after the reconnect but before the gap fill must not move
   * the cursor past the messages we missed.
   */
  gapCursor?: string | null;
}

export interface ChatState {
  channels: Record<string, ChannelChat>;
  /** channelId → userId → expiry (epoch ms) of their typing indicator. */
  typing: Record<string, Record<string, number>>;
}

export interface ChatActions {
  loadLatest(channelId: string): Promise<void>;
  loadOlder(channelId: string): Promise<void>;
  /** The gateway dropped: remember, per loaded channel, the newest message we are sure to have. */
  noteDisconnected(): void;
  /** After a gateway reconnect: fetch everything after that point, for each loaded channel. */
  fillGaps(): Promise<void>;
  /** With `reply`, the message answers another of the channel (its author pinged when `mention`). */
  send(
    channelId: string,
    guildId: string | null,
    content: string,
    reply?: { reference: ChatMessage['reference']; mention: boolean },
    /** Uploaded (pending) attachments to send with it; the text may then be empty. */
    attachments?: ChatMessage['attachments'],
  ): Promise<void>;
  retry(channelId: string, nonce: string): Promise<void>;
  discard(channelId: string, nonce: string): void;
  edit(channelId: string, messageId: string, content: string): Promise<Result>;
  remove(channelId: string, messageId: string): Promise<Result>;
  receive(message: ChatMessage): void;
  receiveDelete(channelId: string, messageId: string): void;
  /** MESSAGE_REACTION_ADD / _REMOVE: one user's reaction on a loaded message changed. */
  receiveReaction(e: { channelId: string; messageId: string; userId: string; emoji: string }, added: boolean): void;
  /** CHANNEL_PINS_UPDATE: a loaded message was pinned or unpinned. */
  receivePin(channelId: string, messageId: string, pinned: boolean): void;
  /** MESSAGE_DELETE_BULK: several messages of one channel went at once (a purge, a ban deleting history). */
  receiveDeleteBulk(channelId: string, messageIds: readonly string[]): void;
  setTyping(channelId: string, userId: string, untilMs: number): void;
  clearTyping(channelId: string, userId: string): void;
  reset(): void;
}

export type ChatStore = StoreApi<ChatState & ChatActions>;

export interface ChatDeps {
  api: () => ParleyApi;
  self: () => PublicUser | null;
  now?: () => number;
  newNonce?: () => string;
  /** Runs `fn` after `ms` (tests pass a fake); used to retry a channel's first page after a transient failure. */
  later?: (fn: () => void, ms: number) => void;
}

/** How often a channel's first page is retried after a transient failure before the error stays up (with Retry). */
export const FIRST_PAGE_RETRIES = 4;

/**
 * Wait before retrying a history read that failed transiently, or null when retrying cannot help. A 503 says how long
 * (its Retry-After, also in the body's details); a lost connection backs off 1, 2, 4 … s.
 */
export function historyRetryDelay(err: unknown, attempt: number): number | null {
  if (!(err instanceof ApiError)) return null;
  if (err.status === 503) {
    const after = (err.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    return typeof after === 'number' && after > 0 ? Math.min(after, 30) * 1000 : 1000 * 2 ** attempt;
  }
  if (err.code === 'NETWORK' || err.status >= 502) return Math.min(1000 * 2 ** attempt, 30_000);
  return null;
}

const emptyChannel: ChannelChat = { messages: [], hasMoreBefore: true, loadingBefore: false, loaded: false, error: null };

function defaultNonce(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`.replace(/[^A-Za-z0-9_-]/g, '');
}

export function createChatStore(deps: ChatDeps): ChatStore {
  const now = deps.now ?? (() => Date.now());
  const newNonce = deps.newNonce ?? defaultNonce;
  const later = deps.later ?? ((fn, ms) => void setTimeout(fn, ms));
  /** Failed first-page attempts per channel, for the retry's back-off; cleared once the page loads. */
  const firstPageFailures = new Map<string, number>();
  /** Channels whose first page is being requested: a retry and a reopen must not ask twice. */
  const firstPageInFlight = new Set<string>();

  return createStore<ChatState & ChatActions>()((set, get) => {
    const patch = (channelId: string, fn: (c: ChannelChat) => Partial<ChannelChat>) =>
      set((s) => {
        const cur = s.channels[channelId] ?? emptyChannel;
        return { channels: { ...s.channels, [channelId]: { ...cur, ...fn(cur) } } };
      });

    async function postPlaceholder(channelId: string, placeholder: ChatMessage) {
      try {
        const confirmed = await deps.api().messages.send(channelId, {
          content: placeholder.content,
          nonce: placeholder.nonce ?? '',
          ...(placeholder.attachments.length > 0 ? { attachmentIds: placeholder.attachments.map((a) => a.id) } : {}),
          ...(placeholder.reference
            ? { replyTo: placeholder.reference.messageId, mentionReplied: placeholder.mentionReplied ?? true }
            : {}),
        });
        get().receive({ ...confirmed, nonce: confirmed.nonce ?? placeholder.nonce });
      } catch {
        const still = get().channels[channelId]?.messages.find((m) => m.nonce === placeholder.nonce);
        // The gateway echo may have beaten the failed HTTP response (e.g. a timeout after commit): then it was sent.
        if (still?.sendState !== undefined) {
          patch(channelId, (c) => ({ messages: mergeMessages(c.messages, [{ ...placeholder, sendState: 'failed' }]) }));
        }
      }
    }

    return {
      channels: {},
      typing: {},

      async loadLatest(channelId) {
        if (get().channels[channelId]?.loaded || firstPageInFlight.has(channelId)) return;
        firstPageInFlight.add(channelId);
        patch(channelId, () => ({ loadingBefore: true, error: null }));
        try {
          const page = await deps.api().messages.list(channelId, { limit: PAGE_SIZE });
          firstPageFailures.delete(channelId);
          patch(channelId, (c) => ({
            messages: mergeMessages(c.messages, page),
            hasMoreBefore: page.length >= PAGE_SIZE,
            loadingBefore: false,
            loaded: true,
          }));
        } catch (err) {
          // Nothing is shown yet: a transient failure (a database that answered 503, a dropped connection) is retried
          // on its own, as the server's Retry-After says, instead of leaving an empty channel until the user reloads.
          const failures = (firstPageFailures.get(channelId) ?? 0) + 1;
          firstPageFailures.set(channelId, failures);
          const delay = failures <= FIRST_PAGE_RETRIES ? historyRetryDelay(err, failures - 1) : null;
          patch(channelId, () => ({ loadingBefore: false, error: describeError(err) }));
          if (delay !== null) later(() => void get().loadLatest(channelId), delay);
          else firstPageFailures.delete(channelId);
        } finally {
          firstPageInFlight.delete(channelId);
        }
      },

      async loadOlder(channelId) {
        const c = get().channels[channelId];
        if (!c || !c.loaded || c.loadingBefore || !c.hasMoreBefore) return;
        const oldest = firstConfirmed(c.messages);
        if (!oldest) return;
        patch(channelId, () => ({ loadingBefore: true }));
        try {
          const page = await deps.api().messages.list(channelId, { before: oldest.id, limit: PAGE_SIZE });
          patch(channelId, (cur) => ({
            messages: mergeMessages(cur.messages, page),
            hasMoreBefore: page.length >= PAGE_SIZE,
            loadingBefore: false,
            // The failure of an earlier attempt is over once a page arrives.
            error: null,
          }));
        } catch (err) {
          // Scrolling up again (or the Retry button) asks again: the reader is there to see it.
          patch(channelId, () => ({ loadingBefore: false, error: describeError(err) }));
        }
      },

      noteDisconnected() {
        for (const [channelId, c] of Object.entries(get().channels)) {
          if (c.loaded && c.gapCursor === undefined) patch(channelId, () => ({ gapCursor: lastConfirmed(c.messages)?.id ?? null }));
        }
      },

      async fillGaps() {
        const loaded = Object.entries(get().channels).filter(([, c]) => c.loaded);
        await Promise.all(
          loaded.map(async ([channelId, c]) => {
            let cursor = c.gapCursor === undefined ? lastConfirmed(c.messages)?.id : (c.gapCursor ?? undefined);
            patch(channelId, () => ({ gapCursor: undefined }));
            if (!cursor) {
              patch(channelId, () => ({ loaded: false }));
              return get().loadLatest(channelId);
            }
            // Page forward until a short page: everything posted while we were away, in order.
            for (let guard = 0; guard < 100; guard++) {
              const page = await deps.api().messages.list(channelId, { after: cursor, limit: PAGE_SIZE });
              if (page.length > 0) patch(channelId, (cur) => ({ messages: mergeMessages(cur.messages, page) }));
              const newest = page.reduce<ChatMessage | undefined>(
                (a, m) => (!a || m.createdAt > a.createdAt || (m.createdAt === a.createdAt && m.id > a.id) ? m : a),
                undefined,
              );
              if (page.length < PAGE_SIZE || !newest) break;
              cursor = newest.id;
            }
          }),
        );
      },

      async send(channelId, guildId, content, reply, attachments = []) {
        const text = content.trim();
        const self = deps.self();
        if ((!text && attachments.length === 0) || !self) return;
        const nonce = newNonce();
        const placeholder: ChatMessage = {
          id: `pending:${nonce}`,
          channelId,
          guildId,
          author: { id: self.id, username: self.username, displayName: self.displayName, avatar: self.avatar },
          content: text,
          mentions: [],
          mentionRoles: [],
          type: 'default',
          createdAt: new Date(now()).toISOString(),
          editedAt: null,
          reactions: [],
          reference: reply?.reference ?? null,
          pinned: false,
          embeds: [],
          suppressEmbeds: false,
          attachments,
          ...(reply ? { mentionReplied: reply.mention } : {}),
          nonce,
          sendState: 'sending',
        };
        patch(channelId, (c) => ({ messages: mergeMessages(c.messages, [placeholder]) }));
        await postPlaceholder(channelId, placeholder);
      },

      async retry(channelId, nonce) {
        const m = get().channels[channelId]?.messages.find((x) => x.nonce === nonce && x.sendState === 'failed');
        if (!m) return;
        const again: ChatMessage = { ...m, sendState: 'sending' };
        patch(channelId, (c) => ({ messages: mergeMessages(c.messages, [again]) }));
        // Same nonce: if the first attempt did reach the server, it can dedupe and we still show one message.
        await postPlaceholder(channelId, again);
      },

      discard(channelId, nonce) {
        patch(channelId, (c) => ({ messages: c.messages.filter((m) => !(m.nonce === nonce && m.sendState !== undefined)) }));
      },

      async edit(channelId, messageId, content) {
        try {
          const updated = await deps.api().messages.edit(channelId, messageId, content.trim());
          get().receive(updated);
          return ok(undefined);
        } catch (err) {
          return failure(err);
        }
      },

      async remove(channelId, messageId) {
        try {
          await deps.api().messages.remove(channelId, messageId);
          get().receiveDelete(channelId, messageId);
          return ok(undefined);
        } catch (err) {
          return failure(err);
        }
      },

      receive(message) {
        get().clearTyping(message.channelId, message.author.id);
        // Live events for channels never opened are not kept: the first open loads the latest page anyway.
        if (!get().channels[message.channelId]) return;
        // A live MESSAGE_UPDATE cannot know our own `me` on its reactions: the copy we hold (kept current by the
        // reaction events) stays.
        const held = get().channels[message.channelId]?.messages.find((m) => m.id === message.id);
        const next = held ? { ...message, reactions: held.reactions } : message;
        patch(message.channelId, (c) => ({ messages: mergeMessages(c.messages, [next]) }));
      },

      receiveReaction(e, added) {
        const c = get().channels[e.channelId];
        if (!c?.messages.some((m) => m.id === e.messageId)) return;
        const self = deps.self()?.id ?? null;
        patch(e.channelId, (cur) => ({
          messages: cur.messages.map((m) =>
            m.id === e.messageId ? { ...m, reactions: applyReaction(m.reactions, e.emoji, added, e.userId === self) } : m,
          ),
        }));
      },

      receivePin(channelId, messageId, pinned) {
        if (!get().channels[channelId]?.messages.some((m) => m.id === messageId)) return;
        patch(channelId, (cur) => ({ messages: cur.messages.map((m) => (m.id === messageId ? { ...m, pinned } : m)) }));
      },

      receiveDelete(channelId, messageId) {
        if (!get().channels[channelId]) return;
        patch(channelId, (c) => ({ messages: removeMessage(c.messages, messageId) }));
      },

      receiveDeleteBulk(channelId, messageIds) {
        if (!get().channels[channelId]) return;
        const gone = new Set(messageIds);
        patch(channelId, (c) => ({ messages: c.messages.filter((m) => !gone.has(m.id)) }));
      },

      setTyping(channelId, userId, untilMs) {
        if (userId === deps.self()?.id) return;
        set((s) => ({ typing: { ...s.typing, [channelId]: { ...s.typing[channelId], [userId]: untilMs } } }));
      },

      clearTyping(channelId, userId) {
        const cur = get().typing[channelId];
        if (!cur || cur[userId] === undefined) return;
        const { [userId]: _gone, ...rest } = cur;
        set((s) => ({ typing: { ...s.typing, [channelId]: rest } }));
      },

      reset() {
        set({ channels: {}, typing: {} });
      },
    };
  });
}

export function typingUsers(s: ChatState, channelId: string, nowMs: number): string[] {
  const t = s.typing[channelId];
  if (!t) return [];
  return Object.entries(t)
    .filter(([, until]) => until > nowMs)
    .map(([id]) => id);
}
