import type { MouseEvent } from 'react';
import { unreadStore } from '../../app/services';
import { MarkUnreadIcon } from '../../ui/icons';
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

/** Marks the channel read up to its newest confirmed message, and sends the ack now (Escape, "Mark as read"). */
export function markChannelRead(channelId: string, messages: readonly ChatMessage[]): void {
  const last = [...messages].reverse().find((m) => m.sendState === undefined);
  if (last) unreadStore.getState().markRead(channelId, last.id);
  unreadStore.getState().flush();
}

/** "N new messages — Jump to first unread / Mark as read", shown while the first unread message is off-screen. */
export function UnreadBar({ count, more, onJump, onMarkRead }: { count: number; more: boolean; onJump: () => void; onMarkRead: () => void }) {
  const label = `${count}${more ? '+' : ''} new message${count === 1 && !more ? '' : 's'}`;
  return (
    <div className="unread-bar" role="region" aria-label="Unread messages">
      <span>{label}</span>
      <span className="unread-bar-actions">
        <button type="button" className="link-btn" onClick={onJump}>
          Jump to first unread
        </button>
        <button type="button" className="link-btn" onClick={onMarkRead}>
          Mark as read
        </button>
      </span>
    </div>
  );
}

/** "Mark unread" in a message's actions: the channel is unread from this message on, on every device. */
export function MarkUnreadButton({ message }: { message: ChatMessage }) {
  return (
    <button
      type="button"
      className="icon-btn small"
      aria-label="Mark unread"
      title="Mark unread (Alt+click the message)"
      onClick={() => unreadStore.getState().markUnread(message.channelId, message.id)}
    >
      <MarkUnreadIcon size={16} />
    </button>
  );
}

/** Alt+click on a message marks it unread, as in Discord (links and buttons inside keep their own click). */
export function onMessageAltClick(message: ChatMessage, e: MouseEvent): void {
  if (!e.altKey || message.sendState !== undefined) return;
  if ((e.target as HTMLElement).closest('button, a, textarea')) return;
  e.preventDefault();
  unreadStore.getState().markUnread(message.channelId, message.id);
}
