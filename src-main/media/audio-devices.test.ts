import { describe, expect, it, vi } from 'vitest';
import type { MediaDeviceInfoLite } from '@shared/ipc/contract';
import type { Settings, SettingsPatch } from '@shared/ipc/settings';
import { defaultSettings } from '@shared/ipc/settings';
import type { Log } from '../log';
import { createAudioDevices, createMediaAccess, resolvePreference } from './audio-devices';

const silent: Log = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const mic = (deviceId: string, label: string): MediaDeviceInfoLite => ({ kind: 'audioinput', deviceId, label, groupId: '' });
const out = (deviceId: string, label: string): MediaDeviceInfoLite => ({ kind: 'audiooutput', deviceId, label, groupId: '' });

function settingsWith(audio: Settings['audio']) {
  let s: Settings = { ...defaultSettings(), audio };
  const updates: SettingsPatch[] = [];
  return {
    updates,
    get: () => s,
    update: async (patch: SettingsPatch) => {
      updates.push(patch);
      s = { ...s, audio: { ...s.audio, ...patch.audio } };
      return s;
    },
  };
}

describe('audio device preference resolution', () => {
  const devices = [mic('default', 'Default'), mic('a1', 'Built-in Mic'), mic('h1', 'USB Headset'), out('o1', 'Speakers')];

  it('follows the system default when asked to', () => {
    expect(resolvePreference({ mode: 'default' }, devices, 'audioinput')).toMatchObject({ deviceId: null, preferredAvailable: true });
  });

  it('finds the device by id, then by label when the id changed', () => {
    expect(resolvePreference({ mode: 'device', deviceId: 'h1', label: 'USB Headset' }, devices, 'audioinput')).toMatchObject({ deviceId: 'h1', matchedBy: 'id' });
    expect(resolvePreference({ mode: 'device', deviceId: 'old', label: 'USB Headset' }, devices, 'audioinput')).toMatchObject({ deviceId: 'h1', matchedBy: 'label' });
  });

  it('falls back to the default when the preferred device is gone, and never picks another kind', () => {
    expect(resolvePreference({ mode: 'device', deviceId: 'o1', label: 'Speakers' }, devices, 'audioinput')).toEqual({ deviceId: null, preferredAvailable: false, matchedBy: null });
  });
});

describe('hot-plug', () => {
  it('when the preferred headset is unplugged and plugged back, then the renderer is told to fall back and to return', async () => {
    const settings = settingsWith({ input: { mode: 'device', deviceId: 'h1', label: 'USB Headset' }, output: { mode: 'default' } });
    const audio = createAudioDevices({ settings, log: silent });
    const first = await audio.report([mic('a1', 'Built-in Mic'), mic('h1', 'USB Headset')]);
    expect(first).toMatchObject({ input: { deviceId: 'h1', preferredAvailable: true }, added: [], removed: [] });

    const unplugged = await audio.report([mic('a1', 'Built-in Mic')]);
    expect(unplugged.input).toEqual({ deviceId: null, preferredAvailable: false });
    expect(unplugged.removed).toEqual([mic('h1', 'USB Headset')]);

    const back = await audio.report([mic('a1', 'Built-in Mic'), mic('h2', 'USB Headset')]);
    expect(back.input).toEqual({ deviceId: 'h2', preferredAvailable: true });
    expect(back.added).toEqual([mic('h2', 'USB Headset')]);
    // The new id is remembered for next time.
    expect(settings.updates).toEqual([{ audio: { input: { mode: 'device', deviceId: 'h2', label: 'USB Headset' } } }]);
  });

  it('ignores Chromium pseudo-devices in the diff', async () => {
    const audio = createAudioDevices({ settings: settingsWith(defaultSettings().audio), log: silent });
    await audio.report([mic('default', 'Default')]);
    const r = await audio.report([mic('communications', 'Communications'), out('o1', 'Speakers')]);
    expect(r.added).toEqual([out('o1', 'Speakers')]);
    expect(r.removed).toEqual([]);
  });
});

describe('OS microphone permission', () => {
  it('on macOS, asks through systemPreferences and reports the resulting status', async () => {
    const sp = { getMediaAccessStatus: vi.fn(() => 'not-determined'), askForMediaAccess: vi.fn(async () => true) };
    const access = createMediaAccess({ platform: 'darwin', systemPreferences: sp, log: silent });
    expect(access.status()).toBe('not-determined');
    sp.getMediaAccessStatus.mockReturnValue('granted');
    await expect(access.request()).resolves.toEqual({ granted: true, status: 'granted' });
    expect(sp.askForMediaAccess).toHaveBeenCalledWith('microphone');
  });

  it('on Linux, there is no OS prompt: the permission table decides', async () => {
    const sp = { getMediaAccessStatus: vi.fn(), askForMediaAccess: vi.fn() };
    const access = createMediaAccess({ platform: 'linux', systemPreferences: sp, log: silent });
    await expect(access.request()).resolves.toEqual({ granted: true, status: 'granted' });
    expect(sp.askForMediaAccess).not.toHaveBeenCalled();
  });

  it('on Windows, a denied privacy switch is reported', async () => {
    const sp = { getMediaAccessStatus: vi.fn(() => 'denied'), askForMediaAccess: vi.fn() };
    const access = createMediaAccess({ platform: 'win32', systemPreferences: sp, log: silent });
    await expect(access.request()).resolves.toEqual({ granted: false, status: 'denied' });
  });
});
