import { useEffect, useState } from 'react';
import { recordingsStore, uiStore, useGuilds, useRecordings, useVoice } from '../../app/services';
import { RecordIcon } from '../../ui/icons';
import { useCan } from '../guilds/usePermissions';
import { formatElapsed } from './format';
import './recordings.css';

/** Re-renders every second while `active`, returning the current time. */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const tick = () => setNow(Date.now());
    const first = setTimeout(tick, 0);
    const t = setInterval(tick, 1000);
    return () => {
      clearTimeout(first);
      clearInterval(t);
    };
  }, [active]);
  return now;
}

/**
 * The voice panel's record controls, for members with RECORD in the call's channel: Record / Starting… / Stop with
 * the elapsed time / Stopping…, the reason when starting or stopping failed, and the channel's recordings. Whether a
 * recording runs comes from the room's own metadata (what the consent banner shows), so every participant agrees.
 */
export function RecordControls() {
  const current = useVoice((s) => s.current);
  const connected = useVoice((s) => s.connection === 'connected');
  const recording = useVoice((s) => s.recording);
  const channel = useGuilds((s) => (current ? s.channelsByGuild[current.guildId]?.find((c) => c.id === current.channelId) : undefined));
  const canRecord = useCan(current?.guildId, 'RECORD', channel);
  const pending = useRecordings((s) => (current ? s.pending[current.channelId] : undefined));
  // Why the last start or stop failed, and where (cleared by the next attempt).
  const [failed, setFailed] = useState<{ channelId: string; message: string } | null>(null);
  const now = useNow(recording !== null);
  if (!current || !channel || !canRecord) return null;

  const { channelId, guildId } = current;
  const startedAt = recording ? Date.parse(recording.startedAt) : 0;
  const label = pending === 'starting' ? 'Starting…' : pending === 'stopping' ? 'Stopping…' : recording ? 'Stop recording' : 'Record';
  const error = failed?.channelId === channelId ? failed.message : null;
  const onClick = async () => {
    const s = recordingsStore.getState();
    setFailed(null);
    const r = recording ? await s.stop(channelId, recording.recordingId) : await s.start(channelId);
    if (!r.ok) setFailed({ channelId, message: r.message });
  };
  return (
    <div className="record-controls">
      <div className="record-row">
        <button
          type="button"
          className={`btn small record-btn${recording ? ' on' : ''}`}
          disabled={pending !== undefined || (!connected && !recording)}
          onClick={() => void onClick()}
          data-state={pending ?? (recording ? 'recording' : 'idle')}
        >
          <RecordIcon size={14} className={recording ? 'rec-dot' : ''} />
          {label}
        </button>
        {recording && !pending && (
          <span className="record-elapsed" aria-label={`Recording for ${formatElapsed(now - startedAt)}`}>
            {formatElapsed(now - startedAt)}
          </span>
        )}
        <button
          type="button"
          className="btn small secondary"
          onClick={() => uiStore.getState().open({ kind: 'channel-recordings', guildId, channelId })}
        >
          Recordings
        </button>
      </div>
      {error && (
        <p className="record-error small" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
