import { useRef, useState } from 'react';
import { describeError } from '../../api/http-client';
import { api } from '../../app/services';
import { Dialog } from '../../ui/Dialog';
import { PinIcon } from '../../ui/icons';
import { useCan } from '../guilds/usePermissions';
import type { ChatMessage } from './message-merge';

const fmt = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });

/** The channel header's "Pinned messages": a popover listing the channel's pins (fetched on open), unpin for moderators. */
export function PinsButton({ channelId, guildId, channelName }: { channelId: string; guildId: string | null; channelName: string }) {
  const [open, setOpen] = useState(false);
  const [pins, setPins] = useState<ChatMessage[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [position, setPosition] = useState<{ left: number; top: number } | undefined>(undefined);
  const button = useRef<HTMLButtonElement>(null);
  // In a DM every recipient may pin and unpin.
  const canManage = useCan(guildId, 'MANAGE_MESSAGES') || guildId === null;
  const load = () =>
    api()
      .messages.pins(channelId)
      .then((items) => setPins(items))
      .catch((err: unknown) => setError(describeError(err)));
  return (
    <>
      <button
        ref={button}
        type="button"
        className="icon-btn"
        aria-label="Pinned messages"
        title="Pinned messages"
        aria-haspopup="dialog"
        onClick={() => {
          const rect = button.current?.getBoundingClientRect();
          setPosition(rect ? { left: Math.max(8, rect.right - 400), top: rect.bottom + 4 } : undefined);
          setPins(null);
          setError(null);
          setOpen(true);
          void load();
        }}
      >
        <PinIcon size={20} />
      </button>
      {open && (
        <Dialog
          open
          onClose={() => setOpen(false)}
          title={guildId ? `Pinned messages in #${channelName}` : `Pinned messages with ${channelName}`}
          size="popover"
          style={position}
          className="pins-popover"
        >
          <div className="pins-body">
            {error && (
              <p className="form-error small" role="alert">
                {error}
              </p>
            )}
            {!pins && !error && <p className="muted small">Loading…</p>}
            {pins?.length === 0 && <p className="muted">This channel doesn't have any pinned messages yet.</p>}
            {pins && pins.length > 0 && (
              <ul className="pins-list">
                {pins.map((m) => (
                  <li key={m.id} className="pin-item" data-message-id={m.id}>
                    <div className="pin-head">
                      <strong>{m.author.displayName}</strong> <time dateTime={m.createdAt}>{fmt.format(new Date(m.createdAt))}</time>
                    </div>
                    <p className="pin-content">{m.content}</p>
                    {canManage && (
                      <button
                        type="button"
                        className="link-btn small"
                        aria-label={`Unpin message from ${m.author.displayName}`}
                        onClick={() => {
                          void api()
                            .messages.unpin(m.channelId, m.id)
                            .then(load)
                            .catch((err: unknown) => setError(describeError(err)));
                        }}
                      >
                        Unpin
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </div>
        </Dialog>
      )}
    </>
  );
}
