import type { MouseEvent } from 'react';
import { unreadStore } from '../../app/services';
import { MarkUnreadIcon } from '../../ui/icons';
import type { ChatMessage } from './message-merge';

/** Marks the channel read up to its newest confirmed message, and sends the ack now (Escape, "Mark as read"). */
export function markChannelRead(channelId: string, messages: readonly ChatMessage[]): void {
  const last = [...messages].reverse().find((m) => m.sendState === undefined);
  if (last) unreadStore.getState().markRead(channelId, last.id);
  unreadStore.getState().flush();
}

/** "N new messages — Jump to first unread / Mark as read", shown while the first unread message is off-screen. */
export function UnreadBar({
  count,
  more,
  onJump,
  onMarkRead,
}: {
  count: number;
  more: boolean;
  onJump: () => void;
  onMarkRead: () => void;
}) {
  const noun = `message${count === 1 && !more ? '' : 's'}`;
  // In a narrow window the bar keeps to one line: "21 new · Jump · Mark as read" (the words in .unread-bar-more go).
  return (
    <div className="unread-bar" role="region" aria-label="Unread messages">
      <span className="unread-bar-count">
        {count}
        {more ? '+' : ''} new<span className="unread-bar-more"> {noun}</span>
      </span>
      <span className="unread-bar-actions">
        <button type="button" className="link-btn" aria-label="Jump to first unread" onClick={onJump}>
          Jump<span className="unread-bar-more"> to first unread</span>
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
