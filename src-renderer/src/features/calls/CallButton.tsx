import { callsStore, uiStore, useCalls } from '../../app/services';
import { PhoneIcon } from '../../ui/icons';
import { startCall } from './CallBar';
import { callInChannel, myParticipant } from './calls.store';

/**
 * The DM header's call button: "Start voice call" when nothing goes on in the DM, "Join call" while it rings for me
 * there, hidden while I am in it (the call bar below the header has hang-up).
 *
 * @example
 * <CallButton channelId={dm.id} />
 */
export function CallButton({ channelId }: { channelId: string }) {
  const call = useCalls((s) => callInChannel(s, channelId));
  const mine = useCalls((s) => call !== null && s.activeCallId === call.id);
  const ringsForMe = useCalls((s) => call !== null && myParticipant(call, s.selfId)?.status === 'ringing');
  if (mine) return null;
  if (call && !ringsForMe) return null;
  const label = call ? 'Join call' : 'Start voice call';
  const onClick = () => {
    if (!call) return void startCall(channelId);
    void callsStore
      .getState()
      .accept(call.id)
      .then((r) => !r.ok && uiStore.getState().toast('error', `Couldn't join: ${r.message}`));
  };
  return (
    <button type="button" className="icon-btn call-button" aria-label={label} title={label} onClick={onClick}>
      <PhoneIcon />
    </button>
  );
}
