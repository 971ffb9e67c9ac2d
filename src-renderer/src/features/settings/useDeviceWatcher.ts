import { useEffect } from 'react';
import { useStore } from 'zustand';
import { settingsStore, uiStore } from '../../app/services';
import { rekeyedPreference, toDeviceInfos } from './device-fallback';
import { createDevicesStore } from './devices.store';

export const devicesStore = createDevicesStore();
export const useDevices = <T>(sel: (s: ReturnType<typeof devicesStore.getState>) => T): T => useStore(devicesStore, sel);

/** Re-enumerates on every devicechange and on preference changes; toasts when a pinned device leaves or returns. */
export async function refreshDevices(): Promise<void> {
  const md = navigator.mediaDevices as MediaDevices | undefined;
  if (!md?.enumerateDevices) return;
  const all = await md.enumerateDevices();
  const { input, output, camera } = settingsStore.getState();
  const events = devicesStore
    .getState()
    .update(
      { inputs: toDeviceInfos(all, 'audioinput'), outputs: toDeviceInfos(all, 'audiooutput'), cameras: toDeviceInfos(all, 'videoinput') },
      { input, output, camera },
    );
  const now = devicesStore.getState();
  const input2 = rekeyedPreference(input, now.input);
  const output2 = rekeyedPreference(output, now.output);
  const camera2 = rekeyedPreference(camera, now.camera);
  if (input2) settingsStore.getState().setInput(input2);
  if (output2) settingsStore.getState().setOutput(output2);
  if (camera2) settingsStore.getState().update({ camera: camera2 });
  for (const e of events) {
    if (e.type === 'fell-back')
      uiStore.getState().toast('warning', `${e.label} was disconnected — using the system default until it's back.`);
    if (e.type === 'returned') uiStore.getState().toast('info', `${e.label} is back — switched to it.`);
  }
}

export function useDeviceWatcher() {
  useEffect(() => {
    const md = navigator.mediaDevices as MediaDevices | undefined;
    if (!md) return;
    const onChange = () => void refreshDevices();
    void refreshDevices();
    md.addEventListener('devicechange', onChange);
    const unsub = settingsStore.subscribe((s, prev) => {
      if (s.input !== prev.input || s.output !== prev.output || s.camera !== prev.camera) void refreshDevices();
    });
    return () => {
      md.removeEventListener('devicechange', onChange);
      unsub();
    };
  }, []);
}

/**
 * Calls `onAvailable` when the list of audio inputs grows (a microphone plugged in); returns the stop function. Reads
 * the list useDeviceWatcher keeps, so a devicechange is enumerated once for both.
 */
export function watchMicrophones(onAvailable: () => void): () => void {
  return devicesStore.subscribe((s, prev) => {
    if (s.inputs.length > prev.inputs.length) onAvailable();
  });
}
