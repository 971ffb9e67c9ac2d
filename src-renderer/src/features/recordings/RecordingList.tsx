import type { Recording } from '@shared/api/recordings';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { recordingsStore, uiStore, useAuth, useGuilds, useRecordings } from '../../app/services';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { useCan } from '../guilds/usePermissions';
import { formatElapsed, formatSize } from './format';
import { recordingsIn, scopeKey, type RecordingScope } from './recordings.store';
import './recordings.css';

const STATUS_TEXT: Record<Recording['status'], string> = {
  starting: 'Starting',
  active: 'Recording',
  stopping: 'Finishing',
  completed: 'Ready',
  failed: 'Failed',
};

const UNFINISHED: readonly Recording['status'][] = ['starting', 'active', 'stopping'];

const dateFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * Saves a file from a ticket URL. On the server's own origin (the web client) the browser follows the link and the
 * response's `Content-Disposition: attachment` makes it a download, streamed to disk. The desktop window may only
 * navigate within its own origin (src-main/windows/web-security.ts), so there the bytes are fetched (CORS allows the
 * desktop origin) and saved from a blob URL instead.
 */
async function saveFile(url: string, filename: string): Promise<void> {
  const a = document.createElement('a');
  a.rel = 'noreferrer';
  let blobUrl: string | null = null;
  if (new URL(url).origin === window.location.origin) {
    a.href = url;
  } else {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`download failed: ${res.status}`);
    blobUrl = URL.createObjectURL(await res.blob());
    a.href = blobUrl;
    a.download = filename;
  }
  document.body.append(a);
  a.click();
  a.remove();
  if (blobUrl) {
    const revoke = blobUrl;
    setTimeout(() => URL.revokeObjectURL(revoke), 60_000);
  }
}

/**
 * A table of recordings (a guild's or one channel's), newest first, kept live by RECORDING_UPDATE / RECORDING_DELETE:
 * channel, who started it, when, how long, how big and its state; Play (a native <audio controls> that streams with
 * HTTP Range), Download, and Delete for whoever started it and for guild managers — as the server allows.
 */
export function RecordingList({ scope, caption }: { scope: RecordingScope; caption: string }) {
  const key = scopeKey(scope);
  const byId = useRecordings((s) => s.byId);
  const list = useRecordings((s) => s.lists[key]);
  const items = useMemo(() => recordingsIn({ byId }, scope), [byId, scope]);
  const channels = useGuilds((s) => s.channelsByGuild[scope.guildId]);
  const selfId = useAuth((s) => s.user?.id);
  const manager = useCan(scope.guildId, 'MANAGE_GUILD');
  const [confirm, setConfirm] = useState<Recording | null>(null);
  const [error, setError] = useState<string | null>(null);
  const listRef = useRef<HTMLDivElement>(null);

  // The scope object is rebuilt by the parent each render; its key says what it is, so the load follows the key.
  const scopeRef = useRef(scope);
  useEffect(() => {
    scopeRef.current = scope;
  });
  useEffect(() => {
    void recordingsStore.getState().load(scopeRef.current);
  }, [key]);

  // A recording deleted elsewhere stops playing here.
  const [chosen, setPlaying] = useState<Recording | null>(null);
  const playing = chosen && byId[chosen.id] ? chosen : null;

  const channelName = (id: string) => channels?.find((c) => c.id === id)?.name ?? 'deleted channel';
  const title = (r: Recording) => `${channelName(r.channelId)}, ${dateFmt.format(new Date(r.startedAt))}`;

  const download = async (r: Recording) => {
    setError(null);
    const url = await recordingsStore.getState().fileUrl(r.id, true);
    if (!url.ok) return setError(url.message);
    try {
      await saveFile(url.value, `parley-recording-${r.id}.ogg`);
    } catch {
      setError('The download failed. Try again.');
    }
  };

  const remove = async (r: Recording) => {
    setConfirm(null);
    const result = await recordingsStore.getState().remove(r.id);
    if (result.ok) {
      uiStore.getState().toast('info', 'Recording deleted.');
      // The confirmation gave focus back to the Delete button, which went away with its row: keep it in the list.
      listRef.current?.focus();
    } else setError(result.message);
  };

  return (
    <div className="recordings" ref={listRef} tabIndex={-1}>
      {playing && <Player key={playing.id} recording={playing} title={title(playing)} onClose={() => setPlaying(null)} />}
      {error && (
        <p className="admin-error" role="alert">
          {error}
        </p>
      )}
      {list?.status === 'error' && (
        <p className="admin-error" role="alert">
          {list.error}
        </p>
      )}
      {list?.status === 'loaded' && items.length === 0 && <p className="muted">No recordings yet.</p>}
      {(list === undefined || list.status === 'loading') && items.length === 0 && <p className="muted">Loading…</p>}
      {items.length > 0 && (
        <div className="recordings-scroll">
          <table className="recordings-table">
            <caption className="sr-only">{caption}</caption>
            <thead>
              <tr>
                <th scope="col">Channel</th>
                <th scope="col">Started by</th>
                <th scope="col">Date</th>
                <th scope="col">Length</th>
                <th scope="col">Size</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => {
                const done = r.status === 'completed';
                const mayDelete = !UNFINISHED.includes(r.status) && (manager || r.startedBy.id === selfId);
                return (
                  <tr key={r.id} data-recording-id={r.id} data-status={r.status}>
                    <td>{channelName(r.channelId)}</td>
                    <td>{r.startedBy.displayName}</td>
                    <td>
                      <time dateTime={r.startedAt}>{dateFmt.format(new Date(r.startedAt))}</time>
                    </td>
                    <td>{r.durationMs === null ? '—' : formatElapsed(r.durationMs)}</td>
                    <td>{formatSize(r.sizeBytes)}</td>
                    <td className={`rec-status ${r.status}`} title={r.error ?? undefined}>
                      {STATUS_TEXT[r.status]}
                      {r.status === 'failed' && r.error ? `: ${r.error}` : ''}
                    </td>
                    <td className="rec-actions">
                      {done && (
                        <>
                          <button
                            type="button"
                            className="btn small secondary"
                            aria-label={`Play ${title(r)}`}
                            onClick={() => setPlaying(r)}
                          >
                            Play
                          </button>
                          <button
                            type="button"
                            className="btn small secondary"
                            aria-label={`Download ${title(r)}`}
                            onClick={() => void download(r)}
                          >
                            Download
                          </button>
                        </>
                      )}
                      {mayDelete && (
                        <button type="button" className="btn small danger" aria-label={`Delete ${title(r)}`} onClick={() => setConfirm(r)}>
                          Delete
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {scope.kind === 'guild' && list?.status === 'loaded' && list.nextCursor && (
        <button type="button" className="btn secondary" onClick={() => void recordingsStore.getState().loadMore(scope.guildId)}>
          Load older recordings
        </button>
      )}
      <ConfirmDialog
        open={confirm !== null}
        title="Delete recording"
        confirmLabel="Delete"
        danger
        onConfirm={() => confirm && void remove(confirm)}
        onCancel={() => setConfirm(null)}
      >
        <p>{confirm ? `Delete the recording of ${title(confirm)}? The audio file is removed for everyone; this cannot be undone.` : ''}</p>
      </ConfirmDialog>
    </div>
  );
}

/**
 * The native player on a ticket URL: the browser streams with Range requests. A ticket lasts five minutes, so when a
 * later request fails (seeking after that), a fresh URL is fetched and playback resumes where it was.
 */
function Player({ recording, title, onClose }: { recording: Recording; title: string; onClose: () => void }) {
  const [src, setSrc] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const audio = useRef<HTMLAudioElement>(null);
  const resumeAt = useRef(0);
  const lastRenewal = useRef(0);

  const renew = useCallback(async () => {
    const url = await recordingsStore.getState().fileUrl(recording.id);
    if (url.ok) setSrc(url.value);
    else setError(url.message);
  }, [recording.id]);

  // One fetch per recording (the parent keys the player on its id); later ones when a ticket ran out.
  useEffect(() => {
    let live = true;
    void recordingsStore
      .getState()
      .fileUrl(recording.id)
      .then((url) => {
        if (!live) return;
        if (url.ok) setSrc(url.value);
        else setError(url.message);
      });
    return () => {
      live = false;
    };
  }, [recording.id]);

  return (
    <section className="rec-player" aria-label={`Player: ${title}`}>
      <div className="rec-player-head">
        <strong>{title}</strong>
        <button type="button" className="btn small secondary" onClick={onClose}>
          Close player
        </button>
      </div>
      {src && (
        <audio
          ref={audio}
          controls
          autoPlay
          preload="metadata"
          src={src}
          aria-label={`Recording of ${title}`}
          data-recording-id={recording.id}
          onLoadedMetadata={() => {
            if (audio.current && resumeAt.current > 0) audio.current.currentTime = resumeAt.current;
            resumeAt.current = 0;
          }}
          onError={() => {
            // At most one renewal every 10 s: a file that is really gone must not loop.
            if (Date.now() - lastRenewal.current < 10_000) return setError('The recording could not be played.');
            lastRenewal.current = Date.now();
            resumeAt.current = audio.current?.currentTime ?? 0;
            void renew();
          }}
        />
      )}
      {error && (
        <p className="admin-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
