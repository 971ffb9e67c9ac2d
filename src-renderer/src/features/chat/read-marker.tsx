import { useLayoutEffect, useRef, type MouseEvent } from 'react';
import { unreadStore } from '../../app/services';
import { MarkUnreadIcon } from '../../ui/icons';
import type { ChatMessage } from './message-merge';

/** Marks the channel read up to its newest confirmed message, and sends the ack now (Escape, "Mark as read"). */
export function markChannelRead(channelId: string, messages: readonly ChatMessage[]): void {
  const last = [...messages].reverse().find((m) => m.sendState === undefined);
  if (last) unreadStore.getState().markRead(channelId, last.id);
  unreadStore.getState().flush();
}

/**
 * "N new messages — Jump to first unread / Mark as read", shown while the first unread message is off-screen. In a
 * narrow chat column it keeps to one line, "21 new · Jump · Mark as read" (a container query hides the words in
 * .unread-bar-more from sight, not from screen readers). It publishes its bottom edge as `--unread-bar-bottom`, so
 * notices (toasts) show under it rather than over its buttons, wherever it sits (under a banner, in the voice view).
 */
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
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const bar = ref.current;
    if (!bar) return;
    const root = document.documentElement.style;
    const publish = () => root.setProperty('--unread-bar-bottom', `${Math.round(bar.getBoundingClientRect().bottom)}px`);
    publish();
    // The bar moves when what is above it changes size (a banner answered, the window resized): its area resizes then.
    const observer = typeof ResizeObserver === 'function' ? new ResizeObserver(publish) : null;
    observer?.observe(bar);
    if (bar.parentElement) observer?.observe(bar.parentElement);
    return () => {
      observer?.disconnect();
      root.removeProperty('--unread-bar-bottom');
    };
  }, []);
  const noun = `message${count === 1 && !more ? '' : 's'}`;
  return (
    <div ref={ref} className="unread-bar" role="region" aria-label="Unread messages">
      <div className="unread-bar-row">
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
