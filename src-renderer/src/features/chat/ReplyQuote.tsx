import type { ChatMessage } from './message-merge';

/**
 * The quote line above a reply: the original's author and the start of its text, a button that jumps to it; or
 * "Original message was deleted".
 */
export function ReplyQuote({
  reference,
  name,
  onJump,
}: {
  reference: NonNullable<ChatMessage['reference']>;
  name: string | null;
  onJump: (messageId: string) => void;
}) {
  if (!reference.author) {
    return (
      <div className="reply-quote deleted">
        <span className="reply-spine" aria-hidden="true" />
        <span className="muted">Original message was deleted</span>
      </div>
    );
  }
  return (
    <div className="reply-quote">
      <span className="reply-spine" aria-hidden="true" />
      <button
        type="button"
        className="reply-quote-btn"
        aria-label={`Reply to ${name ?? reference.author.displayName}: ${reference.excerpt ?? ''}. Jump to the original`}
        onClick={() => onJump(reference.messageId)}
      >
        <strong>@{name ?? reference.author.displayName}</strong> <span className="reply-excerpt">{reference.excerpt}</span>
      </button>
    </div>
  );
}
