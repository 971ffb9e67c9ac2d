import { useVoice } from '../../app/services';
import { RecordIcon } from '../../ui/icons';

/** Persistent while the call you are in is being recorded: nobody should be recorded without seeing it. */
export function RecordingBanner() {
  const rec = useVoice((s) => (s.connection !== 'idle' ? s.recording : null));
  if (!rec) return null;
  return (
    <div className="rec-banner" role="status" aria-live="assertive" data-recording-id={rec.recordingId}>
      <RecordIcon size={14} className="rec-dot" />
      <strong>REC</strong>
      <span>
        This call is being recorded{rec.startedBy.displayName ? ` — started by ${rec.startedBy.displayName}` : ''} at{' '}
        {new Date(rec.startedAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
      </span>
    </div>
  );
}
