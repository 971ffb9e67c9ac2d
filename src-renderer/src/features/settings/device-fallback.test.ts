import { describe, expect, it } from 'vitest';
import {
  deviceTransition,
  rekeyedPreference,
  resolveDevice,
  toDeviceInfos,
  type DeviceInfo,
  type DevicePreference,
} from './device-fallback';
import { createDevicesStore } from './devices.store';

const mic = (deviceId: string, label: string): DeviceInfo => ({ deviceId, label, kind: 'audioinput' });
const headset = mic('hs-1', 'USB Headset');
const builtin = mic('builtin', 'Built-in Microphone');
const def = mic('default', 'Default');
const pinned: DevicePreference = { mode: 'pinned', deviceId: 'hs-1', label: 'USB Headset' };

describe('device fallback policy', () => {
  it('when following the system default, then the default is used whatever is plugged in', () => {
    expect(resolveDevice({ mode: 'default' }, [headset, builtin])).toEqual({ deviceId: 'default', fellBack: false });
  });

  it('when the pinned device is present, then it is used', () => {
    expect(resolveDevice(pinned, [def, builtin, headset])).toEqual({ deviceId: 'hs-1', fellBack: false });
  });

  it('when the pinned device was re-keyed after a replug, then it is found by its label', () => {
    expect(resolveDevice(pinned, [def, mic('hs-2', 'USB Headset')])).toEqual({ deviceId: 'hs-2', fellBack: false });
  });

  it('when the pinned device disappears, then we fall back to the default and say so once; when it returns, we go back and say so once', () => {
    const present = resolveDevice(pinned, [def, headset]);
    const gone = resolveDevice(pinned, [def, builtin]);
    expect(gone).toEqual({ deviceId: 'default', fellBack: true });
    expect(deviceTransition(pinned, present, gone)).toEqual({ type: 'fell-back', label: 'USB Headset' });
    expect(deviceTransition(pinned, gone, gone)).toBeNull();
    const back = resolveDevice(pinned, [def, builtin, headset]);
    expect(deviceTransition(pinned, gone, back)).toEqual({ type: 'returned', label: 'USB Headset' });
  });

  it('when the first device list is seen, then no toast is produced', () => {
    expect(deviceTransition(pinned, null, resolveDevice(pinned, [def]))).toBeNull();
    expect(
      deviceTransition({ mode: 'default' }, { deviceId: 'default', fellBack: false }, { deviceId: 'default', fellBack: false }),
    ).toBeNull();
  });

  it('when the pinned device comes back under a new id, then the preference is re-saved with that id (once)', () => {
    const found = resolveDevice(pinned, [def, mic('hs-2', 'USB Headset')]);
    expect(rekeyedPreference(pinned, found)).toEqual({ mode: 'pinned', deviceId: 'hs-2', label: 'USB Headset' });
    expect(rekeyedPreference({ mode: 'pinned', deviceId: 'hs-2', label: 'USB Headset' }, found)).toBeNull();
    expect(rekeyedPreference(pinned, resolveDevice(pinned, [def]))).toBeNull();
    expect(rekeyedPreference({ mode: 'default' }, { deviceId: 'default', fellBack: false })).toBeNull();
  });

  it("when only Chromium's pseudo-devices carry the pinned label, then they are not taken for the pinned device", () => {
    const pseudo = [mic('default', 'Default - USB Headset'), mic('communications', 'USB Headset')];
    expect(resolveDevice(pinned, pseudo)).toEqual({ deviceId: 'default', fellBack: true });
  });
});

describe('camera choice', () => {
  const cam = (deviceId: string, label: string): DeviceInfo => ({ deviceId, label, kind: 'videoinput' });
  const webcam = cam('cam-1', 'USB Webcam');
  const builtinCam = cam('cam-0', 'FaceTime HD Camera');
  const pinnedCam: DevicePreference = { mode: 'pinned', deviceId: 'cam-1', label: 'USB Webcam' };
  const none = { inputs: [], outputs: [] };
  const prefs = { input: { mode: 'default' } as const, output: { mode: 'default' } as const };

  it('when a pinned camera leaves and comes back, then the camera falls back to the default and returns, said once each', () => {
    const store = createDevicesStore();
    expect(store.getState().update({ ...none, cameras: [builtinCam, webcam] }, { ...prefs, camera: pinnedCam })).toEqual([]);
    expect(store.getState().camera).toEqual({ deviceId: 'cam-1', fellBack: false });
    expect(store.getState().update({ ...none, cameras: [builtinCam] }, { ...prefs, camera: pinnedCam })).toEqual([
      { type: 'fell-back', label: 'USB Webcam' },
    ]);
    expect(store.getState().camera).toEqual({ deviceId: 'default', fellBack: true });
    expect(store.getState().update({ ...none, cameras: [builtinCam, webcam] }, { ...prefs, camera: pinnedCam })).toEqual([
      { type: 'returned', label: 'USB Webcam' },
    ]);
    expect(store.getState().cameras).toEqual([builtinCam, webcam]);
  });

  it('when cameras have no labels yet, then they are called Camera 1, 2', () => {
    const raw = [
      { deviceId: 'a', label: '', kind: 'videoinput' },
      { deviceId: 'm', label: 'Mic', kind: 'audioinput' },
    ] as MediaDeviceInfo[];
    expect(toDeviceInfos(raw, 'videoinput')).toEqual([{ deviceId: 'a', label: 'Camera 1', kind: 'videoinput' }]);
  });
});
