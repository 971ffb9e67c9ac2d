import { useEffect } from 'react';
import { useSettings, voiceStore } from '../../app/services';
import { platform } from '../../platform/platform';
import { playCue } from './useSoundCues';
import type { VoiceController } from './voice-controller';
import { micAllowed } from './voice.store';

/**
 * Push-to-talk and the input mode into the controller's gate: global on desktop (the main process's key hook), the
 * focused window's keys on the web. Losing focus on the web releases the key: the key-up would go to another window.
 * Pressing it while nobody can hear you (listening only: no microphone could be opened) sounds the "no-mic" cue, for
 * someone in a full-screen game who cannot see the panel or the tray saying so.
 *
 * @example
 * usePushToTalk(controller);
 */
export function usePushToTalk(controller: Pick<VoiceController, 'setPushToTalk' | 'refreshGate' | 'subscribe' | 'getSnapshot'>): void {
  const inputMode = useSettings((s) => s.inputMode);
  const vadThresholdDb = useSettings((s) => s.vadThresholdDb);
  const pttReleaseMs = useSettings((s) => s.pttReleaseMs);
  const pttKey = useSettings((s) => s.pttKey);

  useEffect(() => {
    controller.refreshGate();
  }, [controller, inputMode, vadThresholdDb, pttReleaseMs]);

  useEffect(() => {
    let held = controller.getSnapshot().pttHeld;
    return controller.subscribe(() => {
      const now = controller.getSnapshot().pttHeld;
      const v = voiceStore.getState();
      if (now && !held && v.connection === 'connected' && v.micError !== null && micAllowed(v)) playCue('no-mic');
      held = now;
    });
  }, [controller]);

  useEffect(() => {
    if (inputMode !== 'ptt') return;
    const desktop = platform().onPushToTalk;
    if (desktop) {
      const off = desktop((held) => controller.setPushToTalk(held));
      return () => {
        off();
        controller.setPushToTalk(false);
      };
    }
    const isKey = (e: KeyboardEvent) => e.code === pttKey;
    const down = (e: KeyboardEvent) => {
      if (isKey(e)) controller.setPushToTalk(true);
    };
    const up = (e: KeyboardEvent) => {
      if (isKey(e)) controller.setPushToTalk(false);
    };
    const blur = () => controller.setPushToTalk(false);
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    window.addEventListener('blur', blur);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
      window.removeEventListener('blur', blur);
      controller.setPushToTalk(false);
    };
  }, [controller, inputMode, pttKey]);
}
