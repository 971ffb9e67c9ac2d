import type { MessageReaction } from '@shared/api/reactions';
import { lazy, Suspense, useEffect, useId, useRef, useState } from 'react';
import { describeError } from '../../api/http-client';
import { api } from '../../app/services';
import type { ChatMessage } from './message-merge';
import './reactions.css';

// The picker (its emoji table and search) is not in the initial bundle: it loads on the first "Add reaction".
const EmojiPicker = lazy(() => import('./EmojiPicker'));

/** Smile-with-plus, the usual "add reaction" glyph. */
function AddReactionIcon() {
  return (
    <svg
      width={16}
      height={16}
      viewBox="0 0 24 24"
      aria-hidden="true"
      focusable="false"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
    >
      <path d="M20.5 11.5A8.5 8.5 0 1 1 12.5 3.5" />
      <path d="M8.5 14.5a4.5 4.5 0 0 0 7 0" />
      <path d="M9 9.5h.01M15 9.5h.01" />
      <path d="M19 2v6M16 5h6" />
    </svg>
  );
}

async function toggle(m: ChatMessage, r: Pick<MessageReaction, 'emoji' | 'me'>): Promise<void> {
  // No optimistic change: the gateway event (ours included) is what moves the count, so it never counts twice.
  if (r.me) await api().messages.unreact(m.channelId, m.id, r.emoji);
  else await api().messages.react(m.channelId, m.id, r.emoji);
}

/** "Alice, Bob and 3 others" from the first page of who reacted. */
function whoLabel(names: string[], count: number): string {
  const others = count - names.length;
  if (others <= 0) return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  return `${names.join(', ')} and ${others} other${others === 1 ? '' : 's'}`;
}

function ReactionChip({
  message,
  reaction: r,
  canReact,
  onError,
}: {
  message: ChatMessage;
  reaction: MessageReaction;
  canReact: boolean;
  onError: (e: string | null) => void;
}) {
  const tipId = useId();
  const [who, setWho] = useState<{ key: string; text: string } | null>(null);
  const [showTip, setShowTip] = useState(false);
  const key = `${r.emoji}:${r.count}`;
  const stale = who?.key !== key;
  // Who reacted is fetched while the tooltip is wanted, and again when the count changes under it.
  useEffect(() => {
    if (!showTip || !stale) return;
    let live = true;
    void api()
      .messages.reactionUsers(message.channelId, message.id, r.emoji, { limit: 10 })
      .then((users) => {
        if (live)
          setWho({
            key,
            text: `${whoLabel(
              users.map((u) => u.displayName),
              r.count,
            )} reacted with ${r.emoji}`,
          });
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [showTip, stale, key, message.channelId, message.id, r.emoji, r.count]);
  const loadWho = () => setShowTip(true);
  // Taking back your own reaction needs no permission; adding one needs ADD_REACTIONS.
  const disabled = !r.me && !canReact;
  return (
    <span className="reaction-wrap">
      <button
        type="button"
        className={`reaction-chip${r.me ? ' me' : ''}`}
        aria-pressed={r.me}
        aria-label={`${r.emoji} ${r.count} reaction${r.count === 1 ? '' : 's'}${r.me ? ', including yours' : ''}`}
        aria-describedby={showTip && who?.key === key ? tipId : undefined}
        data-emoji={r.emoji}
        disabled={disabled}
        onMouseEnter={loadWho}
        onMouseLeave={() => setShowTip(false)}
        onFocus={loadWho}
        onBlur={() => setShowTip(false)}
        onKeyDown={(e) => {
          // The tooltip can be dismissed without moving focus (WCAG 1.4.13).
          if (e.key === 'Escape' && showTip) {
            e.stopPropagation();
            setShowTip(false);
          }
        }}
        onClick={() => {
          onError(null);
          toggle(message, r).catch((err: unknown) => onError(describeError(err)));
        }}
      >
        <span className="reaction-emoji" aria-hidden="true">
          {r.emoji}
        </span>
        <span className="reaction-count" aria-hidden="true">
          {r.count}
        </span>
      </button>
      {showTip && who?.key === key && (
        <span role="tooltip" id={tipId} className="reaction-tip">
          {who.text}
        </span>
      )}
    </span>
  );
}

/** The reactions under a message: one chip per emoji (count, pressed when yours; click toggles, hover/focus says who). */
export function MessageReactions({ message, canReact }: { message: ChatMessage; canReact: boolean }) {
  const [error, setError] = useState<string | null>(null);
  if (message.reactions.length === 0 && !error) return null;
  return (
    <div className="reactions" role="group" aria-label="Reactions">
      {message.reactions.map((r) => (
        <ReactionChip key={r.emoji} message={message} reaction={r} canReact={canReact} onError={setError} />
      ))}
      {error && (
        <span className="form-error small" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

/** The "Add reaction" action of a message: opens the emoji picker (loaded on first use); picking reacts. */
export function AddReactionButton({ message }: { message: ChatMessage }) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const place = () => {
    const rect = button.current?.getBoundingClientRect();
    if (!rect) return undefined;
    const width = 320;
    const height = 360;
    return {
      left: Math.max(8, Math.min(window.innerWidth - width - 8, rect.right - width)),
      top: rect.bottom + height + 8 < window.innerHeight ? rect.bottom + 4 : Math.max(8, rect.top - height - 4),
    };
  };
  const [position, setPosition] = useState<{ left: number; top: number } | undefined>(undefined);
  return (
    <>
      <button
        ref={button}
        type="button"
        className="icon-btn small"
        aria-label="Add reaction"
        title={error ?? 'Add reaction'}
        aria-haspopup="dialog"
        onClick={() => {
          setPosition(place());
          setOpen(true);
        }}
      >
        <AddReactionIcon />
      </button>
      {/* The toolbar has no room for text: the failure (e.g. rate limited) is read out, and is the button's tooltip. */}
      {error && (
        <span className="sr-only" role="alert">
          {error}
        </span>
      )}
      {open && (
        <Suspense fallback={null}>
          <EmojiPicker
            position={position}
            onClose={() => setOpen(false)}
            onPick={(emoji) => {
              setOpen(false);
              setError(null);
              const mine = message.reactions.find((r) => r.emoji === emoji)?.me ?? false;
              if (!mine) toggle(message, { emoji, me: false }).catch((err: unknown) => setError(describeError(err)));
            }}
          />
        </Suspense>
      )}
    </>
  );
}
