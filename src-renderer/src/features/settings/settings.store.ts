import { z } from 'zod';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { KeyValueStorage } from '../../platform/storage';
import type { DevicePreference } from './device-fallback';

const devicePref = z.union([
  z.object({ mode: z.literal('default') }),
  z.object({ mode: z.literal('pinned'), deviceId: z.string(), label: z.string() }),
]);

/** Saved settings are parsed, not trusted: a corrupted or older file falls back field by field to the defaults. */
export const settingsSchema = z.object({
  theme: z.enum(['dark', 'light', 'system']).catch('dark'),
  input: devicePref.catch({ mode: 'default' }),
  output: devicePref.catch({ mode: 'default' }),
  inputMode: z.enum(['vad', 'ptt']).catch('vad'),
  vadThresholdDb: z.number().min(-100).max(0).catch(-50),
  pttKey: z.string().min(1).catch('Backquote'),
  pttReleaseMs: z.number().min(0).max(2000).catch(200),
  noiseSuppression: z.boolean().catch(true),
  echoCancellation: z.boolean().catch(true),
  autoGainControl: z.boolean().catch(true),
  userVolumes: z.record(z.string(), z.number().min(0).max(2)).catch({}),
  localMutes: z.record(z.string(), z.boolean()).catch({}),
});

export type Settings = z.infer<typeof settingsSchema>;

export const defaultSettings: Settings = settingsSchema.parse({});

export interface SettingsActions {
  update(patch: Partial<Settings>): void;
  setInput(pref: DevicePreference): void;
  setOutput(pref: DevicePreference): void;
  /** Per-user playback volume, 0 … 2 (0–200 %), remembered across sessions. */
  setUserVolume(userId: string, volume: number): void;
  setLocalMute(userId: string, muted: boolean): void;
}

export type SettingsStore = StoreApi<Settings & SettingsActions>;

const KEY = 'settings';

export function loadSettings(storage: KeyValueStorage): Settings {
  const raw = storage.get<unknown>(KEY);
  const parsed = settingsSchema.safeParse(raw ?? {});
  return parsed.success ? parsed.data : defaultSettings;
}

export function createSettingsStore(storage: KeyValueStorage): SettingsStore {
  const store = createStore<Settings & SettingsActions>()((set, get) => {
    const save = (patch: Partial<Settings>) => {
      set(patch);
      const { update: _u, setInput: _i, setOutput: _o, setUserVolume: _v, setLocalMute: _m, ...data } = get();
      storage.set(KEY, data);
    };
    return {
      ...loadSettings(storage),
      update: (patch) => save(patch),
      setInput: (input) => save({ input }),
      setOutput: (output) => save({ output }),
      setUserVolume: (userId, volume) => {
        const v = Math.round(Math.min(2, Math.max(0, volume)) * 100) / 100;
        save({ userVolumes: { ...get().userVolumes, [userId]: v } });
      },
      setLocalMute: (userId, muted) => {
        const { [userId]: _old, ...rest } = get().localMutes;
        save({ localMutes: muted ? { ...rest, [userId]: true } : rest });
      },
    };
  });
  return store;
}
