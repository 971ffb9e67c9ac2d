import { describe, expect, it } from 'vitest';
import { deviceTransition, rekeyedPreference, resolveDevice, type DeviceInfo, type DevicePreference } from './device-fallback';

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
