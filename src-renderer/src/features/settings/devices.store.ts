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
  input: DeviceResolution;
  output: DeviceResolution;
  /** Applies a fresh device list (or changed preferences); returns what the user should be told. */
  update(
    list: { inputs: DeviceInfo[]; outputs: DeviceInfo[] },
    prefs: { input: DevicePreference; output: DevicePreference },
  ): DeviceEvent[];
}

export function createDevicesStore(): StoreApi<DevicesState> {
  let seen = false;
  return createStore<DevicesState>()((set, get) => ({
    inputs: [],
    outputs: [],
    input: { deviceId: 'default', fellBack: false },
    output: { deviceId: 'default', fellBack: false },
    update(list, prefs) {
      const input = resolveDevice(prefs.input, list.inputs);
      const output = resolveDevice(prefs.output, list.outputs);
      const prev = seen ? get() : null;
      seen = true;
      const events = [
        deviceTransition(prefs.input, prev ? prev.input : null, input),
        deviceTransition(prefs.output, prev ? prev.output : null, output),
      ].filter((e): e is DeviceEvent => e !== null);
      set({ ...list, input, output });
      return events;
    },
  }));
}
