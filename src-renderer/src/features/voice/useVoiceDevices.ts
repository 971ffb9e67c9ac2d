import { useEffect } from 'react';
import { settingsStore } from '../../app/services';
import { devicesStore } from '../settings/useDeviceWatcher';
import type { VoiceController } from './voice-controller';

/**
 * The renderer's device choice (features/settings/device-fallback.ts) into the live call: a new pick, or a pinned
 * device leaving or coming back, switches the room's devices; capture processing toggles restart the microphone track.
 *
 * @example
 * useVoiceDevices(controller);
 */
export function useVoiceDevices(controller: Pick<VoiceController, 'switchDevice' | 'restartCapture'>): void {
  useEffect(
    () =>
      devicesStore.subscribe((s, prev) => {
        if (s.input.deviceId !== prev.input.deviceId) void controller.switchDevice('audioinput', s.input.deviceId);
        if (s.output.deviceId !== prev.output.deviceId) void controller.switchDevice('audiooutput', s.output.deviceId);
      }),
    [controller],
  );

  useEffect(
    () =>
      settingsStore.subscribe((s, prev) => {
        if (
          s.noiseSuppression === prev.noiseSuppression &&
          s.echoCancellation === prev.echoCancellation &&
          s.autoGainControl === prev.autoGainControl
        )
          return;
        void controller.restartCapture();
      }),
    [controller],
  );
}
