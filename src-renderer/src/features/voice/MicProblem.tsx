import { useVoice } from '../../app/services';

/**
 * In the voice or call panel while connected without a microphone (the browser gave none): we listen, and nobody hears
 * us; why, and Try again (after plugging one in, or allowing it in the browser).
 */
export function MicProblem() {
  const connected = useVoice((s) => s.connection === 'connected');
  const micError = useVoice((s) => s.micError);
  const retryMic = useVoice((s) => s.retryMic);
  if (!connected || !micError) return null;
  return (
    <div className="voice-mic-problem small" role="alert">
      <span>Listening only: others can&apos;t hear you. {micError}</span>{' '}
      <button type="button" className="link-btn" onClick={retryMic}>
        Try again
      </button>
    </div>
  );
}
