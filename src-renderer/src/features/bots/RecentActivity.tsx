import type { AuditEntry } from '@shared/api/audit';
import { useCallback, useEffect, useId, useState } from 'react';
import { attempt } from '../../api/result';
import { api } from '../../app/services';
import { describeActivity } from './activity-text';

/** Entries read per page: a short list, with "Show older" for the rest. */
const PAGE = 10;

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * User settings → API tokens → Recent activity: the account's own audit log (GET /users/@me/audit-log), newest first.
 * Every entry is the signed-in user's own doing, so "who" is always "you". `version` changes after the panel created or
 * revoked something, to reload the first page.
 */
export function RecentActivity({ version }: { version: number }) {
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const headingId = useId();

  useEffect(() => {
    let live = true;
    void attempt(() => api().apiTokens.activity({ limit: PAGE })).then((r) => {
      if (!live) return;
      if (r.ok) {
        setEntries(r.value.items);
        setCursor(r.value.nextCursor);
        setError(null);
      } else setError(r.message);
    });
    return () => {
      live = false;
    };
  }, [version]);

  const older = useCallback(async () => {
    if (!cursor) return;
    setBusy(true);
    const r = await attempt(() => api().apiTokens.activity({ limit: PAGE, before: cursor }));
    setBusy(false);
    if (r.ok) {
      setEntries((cur) => [...(cur ?? []), ...r.value.items]);
      setCursor(r.value.nextCursor);
    } else setError(r.message);
  }, [cursor]);

  return (
    <section className="recent-activity" aria-labelledby={headingId}>
      <h4 id={headingId}>Recent activity</h4>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {entries === null ? (
        !error && <p className="muted small">Loading…</p>
      ) : entries.length === 0 ? (
        <p className="muted small">Nothing yet: creating or revoking a token or a bot shows here.</p>
      ) : (
        <ol className="activity-list" aria-labelledby={headingId}>
          {entries.map((e) => (
            <li key={e.id} className="activity-row">
              <span className="activity-what">{describeActivity(e)}</span>
              <span className="muted small">
                by you · <time dateTime={e.createdAt}>{when(e.createdAt)}</time>
              </span>
            </li>
          ))}
        </ol>
      )}
      {cursor && (
        <button type="button" className="btn secondary" disabled={busy} onClick={() => void older()}>
          Show older activity
        </button>
      )}
    </section>
  );
}
