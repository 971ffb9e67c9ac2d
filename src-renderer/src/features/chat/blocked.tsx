import { useMemo } from 'react';
import { useRelationships } from '../../app/services';

const NONE: ReadonlySet<string> = new Set();

/** The users I blocked (issue 16): their messages are hidden in every chat, guild or DM. */
export function useBlockedIds(): ReadonlySet<string> {
  const byUserId = useRelationships((s) => s.byUserId);
  return useMemo(() => {
    const ids = Object.values(byUserId)
      .filter((r) => r.type === 'blocked')
      .map((r) => r.user.id);
    return ids.length === 0 ? NONE : new Set(ids);
  }, [byUserId]);
}

/** A run of consecutive messages by blocked users: shown as one "N blocked messages" bar, as Discord does. */
export interface BlockedRun {
  /** Index of the run's first message; its id names the run (what "Show" reveals). */
  start: number;
  count: number;
  key: string;
}

/** Per message: the run of blocked messages it belongs to, or null for a message shown as usual. */
export function blockedRuns(
  messages: readonly { id: string; author: { id: string } }[],
  blocked: ReadonlySet<string>,
): (BlockedRun | null)[] {
  const out: (BlockedRun | null)[] = [];
  if (blocked.size === 0) return messages.map(() => null);
  let run: BlockedRun | null = null;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i] as { id: string; author: { id: string } };
    if (!blocked.has(m.author.id)) {
      run = null;
      out.push(null);
      continue;
    }
    if (!run) run = { start: i, count: 0, key: m.id };
    run.count += 1;
    out.push(run);
  }
  return out;
}

/** "N blocked messages — Show / Hide": a real button, so the keyboard reveals them too. */
export function BlockedBar({ count, shown, onToggle }: { count: number; shown: boolean; onToggle: () => void }) {
  const text = `${count} blocked message${count === 1 ? '' : 's'}`;
  return (
    <div className="blocked-bar" data-testid="blocked-bar">
      <span className="blocked-text">{text}</span>
      <span aria-hidden="true"> — </span>
      <button type="button" className="link-btn" aria-expanded={shown} aria-label={`${shown ? 'Hide' : 'Show'} ${text}`} onClick={onToggle}>
        {shown ? 'Hide' : 'Show'}
      </button>
    </div>
  );
}
