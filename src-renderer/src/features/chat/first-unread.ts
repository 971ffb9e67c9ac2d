import type { ChatMessage } from './message-merge';

/** How many older pages opening a channel (or "Jump to first unread") loads to reach the first unread message. */
export const MAX_UNREAD_PAGES = 10;

export interface FirstUnread {
  /** Index of the first unread message in `messages`, -1 when none is loaded (or none is unread). */
  index: number;
  /** Unread messages loaded (others' messages after the marker). */
  count: number;
  /** The first unread message is older than what is loaded: more pages are needed to show it. */
  beyondLoaded: boolean;
}

/**
 * Where "NEW" goes: the first confirmed message of someone else after the marker the channel was opened with. When
 * every loaded message is newer than the marker and older ones remain, the first unread is not loaded yet.
 */
export function firstUnread(messages: readonly ChatMessage[], readAt: string | null, selfId: string, hasMoreBefore: boolean): FirstUnread {
  if (readAt === null) return { index: -1, count: 0, beyondLoaded: false };
  let index = -1;
  let count = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (m.sendState !== undefined || m.id <= readAt || m.author.id === selfId) continue;
    if (index === -1) index = i;
    count += 1;
  }
  const oldest = messages.find((m) => m.sendState === undefined);
  const beyondLoaded = count > 0 && hasMoreBefore && oldest !== undefined && oldest.id > readAt;
  return { index: beyondLoaded ? -1 : index, count, beyondLoaded };
}
