/**
 * Pure functions that keep one channel's message list ordered and free of duplicates, whatever order
 * the pieces arrive in: history pages, live gateway events, our own optimistic sends and gap fills after a reconnect.
 */

import type { Message } from '../../api/types';

export type SendState = 'sending' | 'failed';

/**
 * A message as the server sends it (its `nonce` echoes the client's, so the echo replaces the optimistic placeholder),
 * plus `sendState` on local placeholders only.
 */
export type ChatMessage = Message & { sendState?: SendState; /** A pending reply's choice, kept for a retry. */ mentionReplied?: boolean };

/** Total order used everywhere: creation time, then id (ObjectIds and snowflakes sort by time too). */
export function compareMessages(a: ChatMessage, b: ChatMessage): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  if (a.id === b.id) return 0;
  return a.id < b.id ? -1 : 1;
}

/**
 * Merges `incoming` into `existing` (already sorted). A confirmed message replaces the optimistic placeholder with the
 * same nonce; a message seen twice (history page overlapping a live event) is kept once, with the newest edit.
 * Returns `existing` itself when nothing changed so React selectors don't re-render.
 */
export function mergeMessages(existing: readonly ChatMessage[], incoming: readonly ChatMessage[]): ChatMessage[] {
  if (incoming.length === 0) return existing as ChatMessage[];
  const byId = new Map<string, ChatMessage>();
  const nonceToId = new Map<string, string>();
  for (const m of existing) {
    byId.set(m.id, m);
    if (m.nonce) nonceToId.set(m.nonce, m.id);
  }
  let changed = false;
  for (const m of incoming) {
    const placeholderId = m.nonce ? nonceToId.get(m.nonce) : undefined;
    if (placeholderId !== undefined && placeholderId !== m.id) {
      const placeholder = byId.get(placeholderId);
      // A confirmed echo wins over a pending placeholder; a second placeholder for a nonce is ignored.
      if (placeholder?.sendState !== undefined && m.sendState === undefined) {
        byId.delete(placeholderId);
      } else if (m.sendState !== undefined) {
        continue;
      }
    }
    const prev = byId.get(m.id);
    if (prev && !isNewer(m, prev)) continue;
    byId.set(m.id, m);
    if (m.nonce) nonceToId.set(m.nonce, m.id);
    changed = true;
  }
  if (!changed && byId.size === existing.length) return existing as ChatMessage[];
  return [...byId.values()].sort(compareMessages);
}

function isNewer(next: ChatMessage, prev: ChatMessage): boolean {
  const nextPending = next.sendState !== undefined;
  const prevPending = prev.sendState !== undefined;
  if (prevPending !== nextPending) return prevPending;
  if (nextPending) return next.sendState !== prev.sendState || next.content !== prev.content;
  // Both confirmed: an older copy (a history page fetched before an edit) must not undo the edit.
  const a = prev.editedAt ?? '';
  const b = next.editedAt ?? '';
  if (b !== a) return b > a;
  if (next.content !== prev.content) return true;
  // One version of a message only gains its link previews, then maybe loses them for good (suppressed): a copy
  // further along that way wins, and an older copy (a page fetched before the previews came) cannot undo it.
  return embedStage(next) > embedStage(prev);
}

const embedStage = (m: ChatMessage) => (m.suppressEmbeds ? 2 : m.embeds.length > 0 ? 1 : 0);

export function removeMessage(existing: readonly ChatMessage[], id: string): ChatMessage[] {
  const idx = existing.findIndex((m) => m.id === id);
  if (idx < 0) return existing as ChatMessage[];
  return [...existing.slice(0, idx), ...existing.slice(idx + 1)];
}

/** The newest message the server has confirmed: the cursor for fetching what we missed while disconnected. */
export function lastConfirmed(existing: readonly ChatMessage[]): ChatMessage | undefined {
  for (let i = existing.length - 1; i >= 0; i--) {
    const m = existing[i];
    if (m && m.sendState === undefined) return m;
  }
  return undefined;
}

export function firstConfirmed(existing: readonly ChatMessage[]): ChatMessage | undefined {
  return existing.find((m) => m.sendState === undefined);
}

/** Consecutive messages from one author within 7 minutes render as one group, as in Discord. */
export const GROUP_WINDOW_MS = 7 * 60 * 1000;

export function startsGroup(prev: ChatMessage | undefined, m: ChatMessage): boolean {
  if (!prev) return true;
  if (prev.author.id !== m.author.id) return true;
  // A system message stands alone, and a member's message after one starts with their name.
  if (prev.type !== 'default' || m.type !== 'default') return true;
  const gap = Date.parse(m.createdAt) - Date.parse(prev.createdAt);
  if (gap > GROUP_WINDOW_MS || gap < 0) return true;
  return new Date(prev.createdAt).toDateString() !== new Date(m.createdAt).toDateString();
}
