import type { MessageEdit } from '@shared/api/messages';
import { useState } from 'react';
import { describeError } from '../../api/http-client';
import { api } from '../../app/services';
import { Dialog } from '../../ui/Dialog';
import { HistoryIcon } from '../../ui/icons';
import type { ChatMessage } from './message-merge';

const fmt = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** "View edit history" on an edited message, for moderators: the current text and every earlier one, newest first. */
export function EditHistoryButton({ message }: { message: ChatMessage }) {
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<MessageEdit[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        className="icon-btn small"
        aria-label="View edit history"
        title="View edit history"
        aria-haspopup="dialog"
        onClick={() => {
          setItems(null);
          setError(null);
          setOpen(true);
          api()
            .messages.edits(message.channelId, message.id)
            .then(setItems)
            .catch((err: unknown) => setError(describeError(err)));
        }}
      >
        <HistoryIcon size={16} />
      </button>
      {open && (
        <Dialog open onClose={() => setOpen(false)} title="Edit history">
          <div className="modal-body edit-history">
            {error && (
              <p className="form-error small" role="alert">
                {error}
              </p>
            )}
            {!items && !error && <p className="muted small">Loading…</p>}
            {items && (
              <ol className="edit-versions">
                <li>
                  <div className="muted small">Now{message.editedAt ? ` (edited ${fmt.format(new Date(message.editedAt))})` : ''}</div>
                  <p className="pin-content">{message.content}</p>
                </li>
                {items.map((e, i) => (
                  <li key={`${e.replacedAt}:${i}`}>
                    <div className="muted small">Until {fmt.format(new Date(e.replacedAt))}</div>
                    <p className="pin-content">{e.content}</p>
                  </li>
                ))}
              </ol>
            )}
          </div>
        </Dialog>
      )}
    </>
  );
}
