import { CloseIcon } from '../../ui/icons';
import { replyStore, useReply } from './reply.store';

/** "Replying to X" above the composer, with the mention toggle and a cancel button (Escape in the composer too). */
export function ReplyBar({ channelId, onDone }: { channelId: string; onDone: () => void }) {
  const reply = useReply(channelId);
  if (!reply) return null;
  return (
    <div className="reply-bar" role="group" aria-label={`Replying to ${reply.name}`}>
      <span className="reply-bar-text">
        Replying to <strong>{reply.name}</strong>
      </span>
      <button
        type="button"
        className={`reply-mention-toggle${reply.mention ? ' on' : ''}`}
        aria-pressed={reply.mention}
        title={reply.mention ? `${reply.name} will be notified` : `${reply.name} will not be notified`}
        onClick={() => replyStore.getState().toggleMention(channelId)}
      >
        @{reply.mention ? 'ON' : 'OFF'}
        <span className="sr-only"> mention {reply.name}</span>
      </button>
      <button
        type="button"
        className="icon-btn small"
        aria-label="Cancel reply"
        onClick={() => {
          replyStore.getState().cancel(channelId);
          onDone();
        }}
      >
        <CloseIcon size={16} />
      </button>
    </div>
  );
}
