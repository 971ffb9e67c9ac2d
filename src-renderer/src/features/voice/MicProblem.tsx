import { useEffect, useRef } from 'react';
import { useVoice } from '../../app/services';

/**
 * In the voice or call panel while connected without a microphone (the browser gave none): we listen, and nobody hears
 * us; why, and Try again (after allowing it; a microphone plugged in is tried by itself). When the microphone works the
 * notice goes, and with it a focused Try again, so the focus moves to the user panel's Mute button.
 */
export function MicProblem() {
  const connected = useVoice((s) => s.connection === 'connected');
  const micError = useVoice((s) => s.micError);
  const failures = useVoice((s) => s.micFailures);
  const retryMic = useVoice((s) => s.retryMic);
  // Whether the focus was in the notice (Try again) when it went: then it would be lost with it.
  const focused = useRef(false);
  useEffect(() => {
    if (micError || !focused.current) return;
    focused.current = false;
    if (!document.activeElement || document.activeElement === document.body)
      document.querySelector<HTMLElement>('[data-voice-mute]')?.focus();
  }, [micError]);
  if (!connected || !micError) return null;
  return (
    <div
      className="voice-mic-problem small"
      onFocus={() => {
        focused.current = true;
      }}
      onBlur={(e) => {
        // Moved elsewhere, unless the notice itself is going (then the effect above places the focus).
        const notice = e.currentTarget;
        setTimeout(() => {
          if (notice.isConnected) focused.current = false;
        });
      }}
    >
      {/* A new alert for each failure, so a Try again that fails again is announced again. */}
      <span role="alert" key={failures}>
        {failures > 1 ? 'Still no microphone' : 'Listening only'}: others can&apos;t hear you. {micError}
      </span>{' '}
      <button type="button" className="link-btn" onClick={retryMic}>
        Try again
      </button>
    </div>
  );
}
