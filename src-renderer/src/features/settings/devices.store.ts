import { createStore, type StoreApi } from 'zustand/vanilla';
import {
  deviceTransition,
  resolveDevice,
  type DeviceEvent,
  type DeviceInfo,
  type DevicePreference,
  type DeviceResolution,
} from './device-fallback';

export interface DevicesState {
  inputs: DeviceInfo[];
  outputs: DeviceInfo[];
  cameras: DeviceInfo[];
  input: DeviceResolution;
  output: DeviceResolution;
  /** The camera to open (settings' `camera` preference against what is plugged in, as for the microphone). */
  camera: DeviceResolution;
  /** Applies a fresh device list (or changed preferences); returns what the user should be told. */
  update(
    list: { inputs: DeviceInfo[]; outputs: DeviceInfo[]; cameras: DeviceInfo[] },
    prefs: { input: DevicePreference; output: DevicePreference; camera: DevicePreference },
  ): DeviceEvent[];
}

export function createDevicesStore(): StoreApi<DevicesState> {
  let seen = false;
  return createStore<DevicesState>()((set, get) => ({
    inputs: [],
    outputs: [],
    cameras: [],
    input: { deviceId: 'default', fellBack: false },
    output: { deviceId: 'default', fellBack: false },
    camera: { deviceId: 'default', fellBack: false },
    update(list, prefs) {
      const input = resolveDevice(prefs.input, list.inputs);
      const output = resolveDevice(prefs.output, list.outputs);
      const camera = resolveDevice(prefs.camera, list.cameras);
      const prev = seen ? get() : null;
      seen = true;
      const events = [
        deviceTransition(prefs.input, prev ? prev.input : null, input),
        deviceTransition(prefs.output, prev ? prev.output : null, output),
        deviceTransition(prefs.camera, prev ? prev.camera : null, camera),
      ].filter((e): e is DeviceEvent => e !== null);
      set({ ...list, input, output, camera });
      return events;
    },
  }));
}
