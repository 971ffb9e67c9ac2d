import { useMemo } from 'react';
import { useRelationships } from '../../app/services';

export { blockedRuns, type BlockedRun } from './blocked-runs';

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
