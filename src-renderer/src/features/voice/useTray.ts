import { useEffect } from 'react';
import { guildsStore, useVoice, voiceStore } from '../../app/services';
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
  const channelName = useVoice((s) => {
    const t = s.current;
    return t ? (guildsStore.getState().channelsByGuild[t.guildId]?.find((c) => c.id === t.channelId)?.name ?? null) : null;
  });

  useEffect(() => {
    platform().reportVoiceState({ connected, muted: selfMute, deafened: selfDeaf, speaking: transmitting, channelName });
  }, [connected, selfMute, selfDeaf, transmitting, channelName]);

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
