import { useEffect, useMemo, useState } from 'react';
import { callsStore, uiStore, useCalls, useVoice } from '../../app/services';
import { platform } from '../../platform/platform';
import { IncomingCall } from './IncomingCall';
import { callTitle } from './call-names';
import { ringingCalls } from './calls.store';
import { showCallDm } from './open-call-dm';
import { createRingtone } from './ringtone';

const RESULT_SHOWN_MS = 15_000;

/**
 * Mounted once in the shell: while a call rings for me, the incoming-call window, the ringtone, and on the desktop the
 * notification and tray state (platform.reportRinging); Accept / Decline from the notification or the tray come back
 * here. All of it follows the calls store, so the ring stops the moment my status leaves `ringing`.
 *
 * @example
 * <CallHost />
 */
export function CallHost() {
  const calls = useCalls((s) => s.calls);
  const selfId = useCalls((s) => s.selfId);
  const declined = useCalls((s) => s.declined);
  const activeCallId = useCalls((s) => s.activeCallId);
  const people = useCalls((s) => s.people);
  const inVoice = useVoice((s) => s.target !== null && !s.target.callId);
  const first = useMemo(
    () => ringingCalls({ calls, selfId, declined, activeCallId }, inVoice)[0] ?? null,
    [calls, selfId, declined, activeCallId, inVoice],
  );
  const [ringtone] = useState(() => createRingtone());
  const ringingId = first?.call.id ?? null;

  useEffect(() => {
    if (!ringingId) return;
    ringtone.start();
    return () => ringtone.stop();
  }, [ringtone, ringingId]);

  const callerName = first ? (people[first.call.callerId]?.displayName ?? callTitle(first.call, selfId, people)) : null;
  const waiting = first?.waiting ?? false;
  useEffect(() => {
    platform().reportRinging(ringingId && callerName ? { callId: ringingId, callerName, waiting } : null);
  }, [ringingId, callerName, waiting]);
  useEffect(() => () => platform().reportRinging(null), []);

  // "No answer", "Declined", "Busy" say their piece, then go (Dismiss ends them sooner).
  const result = useCalls((s) => s.outgoingResult);
  useEffect(() => {
    if (!result) return;
    const t = setTimeout(() => callsStore.getState().dismissResult(), RESULT_SHOWN_MS);
    return () => clearTimeout(t);
  }, [result]);

  useEffect(
    () =>
      platform().onCallCommand(({ command, callId }) => {
        if (command === 'decline') void callsStore.getState().decline(callId);
        else if (command === 'accept')
          void callsStore
            .getState()
            .accept(callId)
            .then((res) => {
              if (res.ok) showCallDm(res.value.channelId);
              else uiStore.getState().toast('error', `Couldn't answer: ${res.message}`);
            });
      }),
    [],
  );

  if (!first) return null;
  return <IncomingCall key={first.call.id} call={first.call} waiting={first.waiting} />;
}
