import type { Call } from '@shared/api/calls';
import { useId } from 'react';
import { callsStore, uiStore, useCalls, useVoice } from '../../app/services';
import { Avatar } from '../../ui/Avatar';
import { Dialog } from '../../ui/Dialog';
import { HangUpIcon, PhoneIcon } from '../../ui/icons';
import { otherParticipants } from './call-names';
import { showCallDm } from './open-call-dm';

/**
 * The incoming-call window: who calls, Accept and Decline. An alertdialog (the shared Dialog: focus moves to Accept,
 * stays inside, and goes back where it was once the ring ends), so a screen reader announces the call at once.
 * Escape or the close button decline, as they answer "not now". A call-waiting prompt says what accepting does to the
 * call or voice channel I am in.
 */
export function IncomingCall({ call, waiting }: { call: Call; waiting: boolean }) {
  const selfId = useCalls((s) => s.selfId);
  const people = useCalls((s) => s.people);
  const inCall = useCalls((s) => s.activeCallId !== null);
  const inVoice = useVoice((s) => s.target !== null && !s.target.callId);
  const descId = useId();
  const caller = people[call.callerId];
  const callerName = caller?.displayName ?? 'Someone';
  const alsoRinging = otherParticipants(call, selfId).filter((p) => p.userId !== call.callerId).length;
  const decline = () => void callsStore.getState().decline(call.id);
  const accept = async () => {
    const res = await callsStore.getState().accept(call.id);
    if (res.ok) showCallDm(call.channelId);
    else uiStore.getState().toast('error', `Couldn't answer: ${res.message}`);
  };
  return (
    <Dialog
      open
      onClose={decline}
      title={waiting ? 'Call waiting' : 'Incoming call'}
      role="alertdialog"
      describedBy={descId}
      size="narrow"
      className="incoming-call"
    >
      <div className="incoming-call-body" data-call-id={call.id}>
        <div className="incoming-call-avatar">
          <Avatar id={call.callerId} name={callerName} avatar={caller?.avatar ?? null} size={80} />
        </div>
        <p id={descId} className="incoming-call-text">
          <strong className="incoming-call-name">{callerName}</strong>
          <span className="muted">
            {alsoRinging > 0 ? ` is calling you and ${alsoRinging === 1 ? '1 other' : `${alsoRinging} others`}` : ' is calling you'}
          </span>
          {waiting && (
            <span className="incoming-call-waiting">
              {inCall
                ? 'Answering hangs up your current call.'
                : inVoice
                  ? 'Answering leaves your voice channel.'
                  : 'You are in another call.'}
            </span>
          )}
        </p>
        <div className="incoming-call-actions">
          <button type="button" className="btn danger call-decline" onClick={decline}>
            <HangUpIcon size={18} /> Decline
          </button>
          <button type="button" className="btn accept call-accept" data-autofocus onClick={() => void accept()}>
            <PhoneIcon size={18} /> {waiting && inCall ? 'Hang up & accept' : 'Accept'}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
