import { useEffect } from 'react';
import { settingsStore } from '../../app/services';
import { devicesStore } from '../settings/useDeviceWatcher';
import { cameraDeviceId } from './video-options';
import type { VoiceController } from './voice-controller';

/**
 * The renderer's device choice (features/settings/device-fallback.ts) into the live call: a new pick, or a pinned
 * device leaving or coming back, switches the room's devices; capture processing toggles restart the microphone track.
 * A camera picked in the settings replaces the live camera (or is used the next time it turns on).
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

  useEffect(
    () =>
      settingsStore.subscribe((s, prev) => {
        if (s.camera === prev.camera) return;
        void navigator.mediaDevices
          .enumerateDevices()
          .then((devices) => {
            const id = cameraDeviceId(
              s.camera,
              devices.filter((d) => d.kind === 'videoinput'),
            );
            if (id) return controller.switchDevice('videoinput', id);
          })
          .catch(() => undefined);
      }),
    [controller],
  );
}
