import { callsStore, useCalls, useVoice } from '../../app/services';
import { HangUpIcon, PhoneIcon, SignalIcon } from '../../ui/icons';
import { useNow } from '../notifications/useNow';
import { MicProblem } from '../voice/MicProblem';
import { useOutlet } from '../voice/video-outlets';
import { callTitle, elapsed, RESULT_TEXT } from './call-names';
import { activeCall } from './calls.store';
import './calls.css';

const STATUS: Record<string, string> = {
  idle: 'Connecting…',
  connecting: 'Connecting…',
  connected: 'Call connected',
  reconnecting: 'Reconnecting…',
  failed: 'Call disconnected',
};

/**
 * The bottom panel (above the user panel, where the voice panel shows for a channel) while this session is in a DM
 * call: state, who with, elapsed time, hang-up. Mute and deafen are the user panel's, right below. After an outgoing
 * call went unanswered it says why ("No answer", "Declined", "Busy") until dismissed.
 */
export function CallPanel() {
  const call = useCalls(activeCall);
  const result = useCalls((s) => s.outgoingResult);
  const selfId = useCalls((s) => s.selfId);
  const people = useCalls((s) => s.people);
  const connection = useVoice((s) => s.connection);
  const error = useVoice((s) => s.error);
  const now = useNow(1000);
  // In a DM call both are always allowed (the server grants camera and screen share to its recipients).
  const controlsRef = useOutlet('controls', { canVideo: true, canStream: true });
  const statsRef = useOutlet('stats');
  if (!call) {
    if (!result) return null;
    return (
      <section className="voice-panel call-panel" aria-label="Call">
        <div className="voice-panel-head">
          <div className="voice-panel-main">
            <div className="voice-status bad" role="status">
              <PhoneIcon size={16} />
              <span className="call-result">{RESULT_TEXT[result.result]}</span>
            </div>
          </div>
          <button type="button" className="link-btn small" onClick={() => callsStore.getState().dismissResult()}>
            Dismiss
          </button>
        </div>
      </section>
    );
  }
  const calling = call.phase === 'ringing' && call.callerId === selfId;
  const text = calling ? 'Calling…' : (STATUS[connection] ?? 'Call');
  const tone = connection === 'connected' && !calling ? 'ok' : connection === 'failed' ? 'bad' : 'warn';
  return (
    <section className="voice-panel call-panel" aria-label="Call connection" data-state={connection}>
      <div className="voice-panel-head">
        <div className="voice-panel-main">
          <div className={`voice-status ${tone}`} role="status" aria-live="polite">
            <SignalIcon size={16} />
            <span>{text}</span>
          </div>
          <div className="voice-where muted small">
            {callTitle(call, selfId, people)}
            {call.answeredAt && connection === 'connected' ? ` · ${elapsed(call.answeredAt, now)}` : ''}
          </div>
        </div>
        {connection === 'failed' && (
          <button type="button" className="link-btn small" onClick={() => callsStore.getState().rejoin()}>
            Rejoin
          </button>
        )}
        <button
          type="button"
          className="icon-btn"
          aria-label={calling ? 'Cancel call' : 'Hang up'}
          title={calling ? 'Cancel call' : 'Hang up'}
          onClick={() => callsStore.getState().hangUp()}
        >
          <HangUpIcon />
        </button>
      </div>
      {error && (
        <div className="voice-error small" role="alert">
          {error}
        </div>
      )}
      <MicProblem />
      <div ref={statsRef} className="video-stats-outlet" />
      <div ref={controlsRef} className="video-controls-outlet" />
    </section>
  );
}
