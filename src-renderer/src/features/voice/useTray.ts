import { useEffect } from 'react';
import { callsStore, guildsStore, useVoice, voiceStore } from '../../app/services';
import { callTitle } from '../calls/call-names';
import { activeCall } from '../calls/calls.store';
import { platform } from '../../platform/platform';

/**
 * The desktop tray and global hotkeys: reports the call state (icon, menu) and turns tray / hotkey commands into
 * voice actions. Both are no-ops on the web.
 *
 * @example
 * useTray();
 */
export function useTray(): void {
  const connected = useVoice((s) => s.connection === 'connected');
  const selfMute = useVoice((s) => s.selfMute);
  const selfDeaf = useVoice((s) => s.selfDeaf);
  const transmitting = useVoice((s) => s.transmitting && s.connection === 'connected');
  const listeningOnly = useVoice((s) => s.micError !== null && s.connection === 'connected');
  const channelName = useVoice((s) => {
    const t = s.current;
    if (t?.callId) {
      const c = callsStore.getState();
      const call = activeCall(c);
      return call ? `Call with ${callTitle(call, c.selfId, c.people)}`.slice(0, 100) : 'Call';
    }
    return t ? (guildsStore.getState().channelsByGuild[t.guildId]?.find((c) => c.id === t.channelId)?.name ?? null) : null;
  });

  useEffect(() => {
    platform().reportVoiceState({ connected, muted: selfMute, deafened: selfDeaf, speaking: transmitting, channelName, listeningOnly });
  }, [connected, selfMute, selfDeaf, transmitting, channelName, listeningOnly]);

  useEffect(
    () =>
      platform().onVoiceCommand((c) => {
        const v = voiceStore.getState();
        if (c === 'toggle-mute') v.toggleMute();
        else if (c === 'toggle-deafen') v.toggleDeafen();
        else v.leave();
      }),
    [],
  );
}
