import { useCalls } from '../../app/services';
import { PhoneIcon } from '../../ui/icons';
import { startCall } from './CallBar';
import { callInChannel } from './calls.store';

/**
 * "Start a call" from a DM's row in the Home list (shown on hover and focus, as the close button is); hidden while a
 * call goes on in that DM.
 */
export function DmCallButton({ channelId, label }: { channelId: string; label: string }) {
  const busy = useCalls((s) => callInChannel(s, channelId) !== null);
  if (busy) return null;
  return (
    <button
      type="button"
      className="icon-btn small dm-call"
      aria-label={`Start a call with ${label}`}
      title="Start call"
      onClick={() => void startCall(channelId)}
    >
      <PhoneIcon size={14} />
    </button>
  );
}
