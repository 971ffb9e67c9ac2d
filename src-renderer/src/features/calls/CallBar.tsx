import type { Call } from '@shared/api/calls';
import { callsStore, uiStore, useAuth, useCalls, useVoice, voiceStore } from '../../app/services';
import { Avatar } from '../../ui/Avatar';
import { HangUpIcon, HeadphonesIcon, HeadphonesOffIcon, MicIcon, MicOffIcon, PhoneIcon } from '../../ui/icons';
import { useNow } from '../notifications/useNow';
import { elapsed, PARTICIPANT_STATUS, personName, RESULT_TEXT } from './call-names';
import { callInChannel, myParticipant } from './calls.store';
import { showCallDm } from './open-call-dm';
import { useOutlet } from '../voice/video-outlets';
import './calls.css';

/**
 * The call bar at the top of a DM: everyone the call rings or includes (speaking ring, who is still ringing, who
 * declined), how long it has been going, and mute / deafen / hang-up for the one I am in; Accept / Decline while it
 * rings for me; "No answer", "Declined" or "Busy" after my call went unanswered, with Call again.
 *
 * @example
 * <CallBar channelId={dm.id} />
 */
export function CallBar({ channelId }: { channelId: string }) {
  const call = useCalls((s) => callInChannel(s, channelId));
  const result = useCalls((s) => (s.outgoingResult?.channelId === channelId ? s.outgoingResult.result : null));
  if (call) return <ActiveCallBar call={call} />;
  if (!result) return null;
  return (
    <section className="call-bar ended" aria-label="Call">
      <p className="call-bar-status" role="status">
        <PhoneIcon size={18} /> <span className="call-result">{RESULT_TEXT[result]}</span>
      </p>
      <div className="call-bar-actions">
        <button type="button" className="btn secondary" onClick={() => callsStore.getState().dismissResult()}>
          Dismiss
        </button>
        <button type="button" className="btn accept" onClick={() => void startCall(channelId)}>
          <PhoneIcon size={16} /> Call again
        </button>
      </div>
    </section>
  );
}

/** Start (or re-start) a call in a DM, telling the user why it could not ring. */
export async function startCall(channelId: string): Promise<void> {
  const res = await callsStore.getState().start(channelId);
  if (res.ok) showCallDm(channelId);
  if (res.ok || res.code === 'USER_BUSY') return;
  const why =
    res.code === 'FORBIDDEN' ? "they don't accept calls from you." : res.code === 'CONFLICT' ? 'a call is already going on.' : res.message;
  uiStore.getState().toast('error', `Couldn't call: ${why}`);
}

function ActiveCallBar({ call }: { call: Call }) {
  const selfId = useCalls((s) => s.selfId);
  const people = useCalls((s) => s.people);
  const self = useAuth((s) => s.user);
  const mine = useCalls((s) => s.activeCallId === call.id);
  const speaking = useVoice((s) => s.participants);
  const connection = useVoice((s) => s.connection);
  const transmitting = useVoice((s) => s.transmitting && s.connection === 'connected');
  const selfMute = useVoice((s) => s.selfMute);
  const selfDeaf = useVoice((s) => s.selfDeaf);
  const now = useNow(1000);
  // The call's cameras and screen shares (VideoStage.tsx) show here while I am in it.
  const stageRef = useOutlet('stage', { location: `call:${call.id}` });
  const me = myParticipant(call, selfId);
  const ringsForMe = me?.status === 'ringing' && !mine;
  const status = mine
    ? call.phase === 'ringing'
      ? 'Calling…'
      : connection === 'connected'
        ? `In call · ${call.answeredAt ? elapsed(call.answeredAt, now) : '0:00'}`
        : connection === 'failed'
          ? 'Call disconnected'
          : connection === 'reconnecting'
            ? 'Reconnecting…'
            : 'Connecting…'
    : ringsForMe
      ? 'Incoming call'
      : `Call going on${call.answeredAt ? ` · ${elapsed(call.answeredAt, now)}` : ''}`;
  const toggleMute = () => voiceStore.getState().toggleMute();
  const toggleDeafen = () => voiceStore.getState().toggleDeafen();

  return (
    <section className="call-bar" aria-label="Call" data-phase={call.phase} data-in-call={mine}>
      <ul className="call-people" aria-label="Call participants">
        {call.participants.map((p) => {
          const isMe = p.userId === selfId;
          const user = isMe ? self : people[p.userId];
          const name = isMe ? 'You' : personName(p.userId, people);
          const live = p.status === 'joined' || p.status === 'connecting';
          // Mine from our own gate (as the user panel shows it), the others' from LiveKit's speaker detection.
          const isSpeaking = live && (isMe ? mine && transmitting : speaking[p.userId]?.speaking === true);
          return (
            <li key={p.userId} className={`call-person ${p.status}`} data-user-id={p.userId} data-speaking={isSpeaking}>
              <Avatar id={p.userId} name={user?.displayName ?? name} avatar={user?.avatar ?? null} size={48} speaking={isSpeaking} />
              <span className="call-person-name">{name}</span>
              {p.status !== 'joined' && <span className="call-person-status small">{PARTICIPANT_STATUS[p.status]}</span>}
              {isSpeaking && <span className="sr-only">, speaking</span>}
            </li>
          );
        })}
      </ul>
      {mine && <div ref={stageRef} className="video-stage-outlet" />}
      <p className="call-bar-status" role="status" aria-live="polite">
        {status}
      </p>
      <div className="call-bar-actions">
        {mine && connection === 'failed' && (
          <button type="button" className="btn secondary" onClick={() => callsStore.getState().rejoin()}>
            Rejoin
          </button>
        )}
        {mine && (
          <>
            <button
              type="button"
              className={`icon-btn call-ctl${selfMute || selfDeaf ? ' danger' : ''}`}
              aria-label={selfMute || selfDeaf ? 'Unmute' : 'Mute'}
              aria-pressed={selfMute || selfDeaf}
              title={selfMute || selfDeaf ? 'Unmute' : 'Mute'}
              onClick={toggleMute}
            >
              {selfMute || selfDeaf ? <MicOffIcon /> : <MicIcon />}
            </button>
            <button
              type="button"
              className={`icon-btn call-ctl${selfDeaf ? ' danger' : ''}`}
              aria-label={selfDeaf ? 'Undeafen' : 'Deafen'}
              aria-pressed={selfDeaf}
              title={selfDeaf ? 'Undeafen' : 'Deafen'}
              onClick={toggleDeafen}
            >
              {selfDeaf ? <HeadphonesOffIcon /> : <HeadphonesIcon />}
            </button>
            <button type="button" className="btn danger call-hangup" onClick={() => callsStore.getState().hangUp()}>
              <HangUpIcon size={16} /> {call.phase === 'ringing' && call.callerId === selfId ? 'Cancel' : 'Hang up'}
            </button>
          </>
        )}
        {ringsForMe && (
          <>
            <button type="button" className="btn danger" onClick={() => void callsStore.getState().decline(call.id)}>
              Decline
            </button>
            <button
              type="button"
              className="btn accept"
              onClick={() =>
                void callsStore
                  .getState()
                  .accept(call.id)
                  .then((r) => !r.ok && uiStore.getState().toast('error', `Couldn't answer: ${r.message}`))
              }
            >
              <PhoneIcon size={16} /> Accept
            </button>
          </>
        )}
      </div>
    </section>
  );
}
