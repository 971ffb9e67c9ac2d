import { describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../platform/storage';
import { createSettingsStore, defaultSettings } from './settings.store';

describe('settings store', () => {
  it('when a per-user volume is set, then it is clamped to 0–200 % and remembered across restarts', () => {
    const storage = createMemoryStorage();
    const a = createSettingsStore(storage);
    a.getState().setUserVolume('u1', 1.5);
    a.getState().setUserVolume('u2', 7);
    a.getState().setLocalMute('u3', true);
    const b = createSettingsStore(storage);
    expect(b.getState().userVolumes).toEqual({ u1: 1.5, u2: 2 });
    expect(b.getState().localMutes).toEqual({ u3: true });
    b.getState().setLocalMute('u3', false);
    expect(b.getState().localMutes).toEqual({});
  });

  it("when a stream's volume or mute is set, then it is kept apart from the user's voice and remembered across restarts", () => {
    const storage = createMemoryStorage();
    const a = createSettingsStore(storage);
    a.getState().setStreamVolume('u1', 0.456);
    a.getState().setStreamVolume('u2', -1);
    a.getState().setStreamMute('u1', true);
    const b = createSettingsStore(storage);
    expect(b.getState().streamVolumes).toEqual({ u1: 0.46, u2: 0 });
    expect(b.getState().streamMutes).toEqual({ u1: true });
    expect(b.getState().userVolumes).toEqual({});
    expect(b.getState().localMutes).toEqual({});
    b.getState().setStreamMute('u1', false);
    expect(createSettingsStore(storage).getState().streamMutes).toEqual({});
  });

  it('when saved settings are corrupted, then each bad field falls back to its default and good ones are kept', () => {
    const storage = createMemoryStorage();
    storage.set('settings', {
      theme: 'purple',
      inputMode: 'ptt',
      vadThresholdDb: 'loud',
      input: { mode: 'pinned', deviceId: 'x', label: 'Mic' },
    });
    const s = createSettingsStore(storage).getState();
    expect(s.theme).toBe(defaultSettings.theme);
    expect(s.inputMode).toBe('ptt');
    expect(s.vadThresholdDb).toBe(defaultSettings.vadThresholdDb);
    expect(s.input).toEqual({ mode: 'pinned', deviceId: 'x', label: 'Mic' });
  });
});
