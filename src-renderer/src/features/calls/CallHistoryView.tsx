import type { CallHistoryEntry } from '@shared/api/calls';
import { useEffect, useState } from 'react';
import { callHistoryStore, callsStore, useCallHistory, useCalls } from '../../app/services';
import { Avatar } from '../../ui/Avatar';
import { ChannelsDrawerButton } from '../../ui/LayoutButtons';
import { HistoryIcon, PhoneIcon, PhoneIncomingIcon, PhoneOutgoingIcon } from '../../ui/icons';
import { startCall } from './CallBar';
import { formatDuration, outcomeLabel } from './call-history.store';
import { namesOf } from './call-names';
import './calls.css';

const WHEN = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * My call history (the Home area's "Calls"): newest first, a page at a time, each call with who, which way, how it
 * went, when and how long, and Call back. Opening it acknowledges my missed calls, so the badge clears everywhere;
 * the calls that were new stay marked while the view is open.
 *
 * @example
 * {homeTab === 'calls' && <CallHistoryView />}
 */
export default function CallHistoryView() {
  const items = useCallHistory((s) => s.items);
  const loaded = useCallHistory((s) => s.loaded);
  const loading = useCallHistory((s) => s.loading);
  const error = useCallHistory((s) => s.error);
  const more = useCallHistory((s) => s.nextCursor !== null);
  const selfId = useCalls((s) => s.selfId);

  const unseen = useCalls((s) => s.unseenMissed);
  // Acknowledged only once this visit's page is in: an ack racing the load would clear the "New" marks it shows.
  const [fresh, setFresh] = useState(false);
  useEffect(() => {
    void callHistoryStore
      .getState()
      .load()
      .then(() => setFresh(true));
  }, []);
  // Seen while open: on opening, and for a call missed while the history is on screen.
  useEffect(() => {
    if (!fresh || unseen === 0) return;
    callsStore.getState().setUnseenMissed(0);
    void callHistoryStore.getState().ack();
  }, [fresh, unseen]);

  return (
    <main className="chat-pane call-history" aria-labelledby="call-history-title">
      <header className="chat-header">
        <ChannelsDrawerButton />
        <HistoryIcon />
        <h1 id="call-history-title">Call history</h1>
      </header>
      <div className="call-history-scroller">
        {error && (
          <div className="empty-state" role="alert">
            <p>Couldn't load your calls: {error}</p>
            <button type="button" className="btn secondary" onClick={() => void callHistoryStore.getState().load()}>
              Try again
            </button>
          </div>
        )}
        {!loaded && !error && (
          <p className="empty-state muted" role="status">
            Loading…
          </p>
        )}
        {loaded && items.length === 0 && (
          <div className="empty-state">
            <h2>No calls yet</h2>
            <p className="muted">Calls you make and get in your DMs show up here.</p>
          </div>
        )}
        {items.length > 0 && (
          <ul className="call-history-list" aria-label="Calls">
            {items.map((e) => (
              <HistoryRow key={e.callId} entry={e} selfId={selfId} />
            ))}
          </ul>
        )}
        {more && (
          <button
            type="button"
            className="btn secondary call-history-more"
            disabled={loading}
            onClick={() => void callHistoryStore.getState().loadMore()}
          >
            {loading ? 'Loading…' : 'Load older calls'}
          </button>
        )}
      </div>
    </main>
  );
}

function HistoryRow({ entry: e, selfId }: { entry: CallHistoryEntry; selfId: string | null }) {
  const others = e.participants.filter((p) => p.id !== selfId);
  const people = Object.fromEntries(e.participants.map((p) => [p.id, p]));
  const who = namesOf(
    others.map((p) => p.id),
    people,
  );
  const lead = e.direction === 'incoming' ? e.caller : (others[0] ?? e.caller);
  const missed = e.outcome === 'missed' && e.direction === 'incoming';
  const label = outcomeLabel(e);
  return (
    <li className={`call-history-row${missed ? ' missed' : ''}`} data-call-id={e.callId} data-outcome={e.outcome}>
      <Avatar id={lead.id} name={lead.displayName} avatar={lead.avatar} size={40} />
      <div className="call-history-main">
        <span className="call-history-who">
          {who}
          {e.unseen && <span className="call-history-new">New</span>}
        </span>
        <span className={`call-history-what small${missed ? ' missed' : ''}`}>
          {e.direction === 'incoming' ? <PhoneIncomingIcon size={14} /> : <PhoneOutgoingIcon size={14} />}
          <span className="call-history-outcome">{label}</span>
          {e.direction === 'incoming' && others.length > 1 && <span className="muted"> · from {e.caller.displayName}</span>}
        </span>
      </div>
      <div className="call-history-when small muted">
        <time dateTime={e.startedAt}>{WHEN.format(new Date(e.startedAt))}</time>
        {e.outcome === 'answered' && <span className="call-history-duration"> · {formatDuration(e.durationMs)}</span>}
      </div>
      <button
        type="button"
        className="icon-btn"
        aria-label={`Call ${who} back`}
        title="Call back"
        onClick={() => void startCall(e.channelId)}
      >
        <PhoneIcon />
      </button>
    </li>
  );
}
