// zod/mini, not zod: the same parsing, but tree-shakable and light to start, and this module is in the web client's
// first script (the full zod costs it ~100 ms of start-up, see bench/client.ts).
import * as z from 'zod/mini';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { KeyValueStorage } from '../../platform/storage';
import type { DevicePreference } from './device-fallback';

const devicePref = z.union([
  z.object({ mode: z.literal('default') }),
  z.object({ mode: z.literal('pinned'), deviceId: z.string(), label: z.string() }),
]);

/** Saved settings are parsed, not trusted: a corrupted or older file falls back field by field to the defaults. */
export const settingsSchema = z.object({
  theme: z.catch(z.enum(['dark', 'light', 'system']), 'dark'),
  input: z.catch(devicePref, { mode: 'default' }),
  output: z.catch(devicePref, { mode: 'default' }),
  camera: z.catch(devicePref, { mode: 'default' }),
  /** Screen share quality: resolution and frame rate of the published screen track. */
  screenPreset: z.catch(z.enum(['720p30', '1080p30', '1080p60']), '1080p30'),
  /** Share the system / tab audio with the screen where the platform allows it. */
  screenAudio: z.catch(z.boolean(), true),
  inputMode: z.catch(z.enum(['vad', 'ptt']), 'vad'),
  vadThresholdDb: z.catch(z.number().check(z.minimum(-100), z.maximum(0)), -50),
  pttKey: z.catch(z.string().check(z.minLength(1)), 'Backquote'),
  pttReleaseMs: z.catch(z.number().check(z.minimum(0), z.maximum(2000)), 200),
  noiseSuppression: z.catch(z.boolean(), true),
  echoCancellation: z.catch(z.boolean(), true),
  autoGainControl: z.catch(z.boolean(), true),
  userVolumes: z.catch(z.record(z.string(), z.number().check(z.minimum(0), z.maximum(2))), {}),
  localMutes: z.catch(z.record(z.string(), z.boolean()), {}),
  /** A watched screen share's audio, per streamer: volume 0 … 2 and mute, apart from their voice (as on Discord). */
  streamVolumes: z.catch(z.record(z.string(), z.number().check(z.minimum(0), z.maximum(2))), {}),
  streamMutes: z.catch(z.record(z.string(), z.boolean()), {}),
  /** Sound cues for joins, leaves, mute, deafen and disconnect (features/voice/sound-cues.ts). */
  voiceSounds: z.catch(z.boolean(), true),
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
  /** The volume of a user's stream audio, 0 … 2, remembered across sessions. */
  setStreamVolume(userId: string, volume: number): void;
  setStreamMute(userId: string, muted: boolean): void;
}

export type SettingsStore = StoreApi<Settings & SettingsActions>;

const KEY = 'settings';

export function loadSettings(storage: KeyValueStorage): Settings {
  const raw = storage.get<unknown>(KEY);
  const parsed = settingsSchema.safeParse(raw ?? {});
  return parsed.success ? parsed.data : defaultSettings;
}

/** A playback volume as kept: 0 … 2, in steps of 1 %. */
const clampVolume = (volume: number): number => Math.round(Math.min(2, Math.max(0, volume)) * 100) / 100;

/** A per-user flag map keeps only the users it is set for. */
function withFlag(flags: Readonly<Record<string, boolean>>, userId: string, on: boolean): Record<string, boolean> {
  const { [userId]: _old, ...rest } = flags;
  return on ? { ...rest, [userId]: true } : rest;
}

export function createSettingsStore(storage: KeyValueStorage): SettingsStore {
  const store = createStore<Settings & SettingsActions>()((set, get) => {
    const save = (patch: Partial<Settings>) => {
      set(patch);
      const {
        update: _u,
        setInput: _i,
        setOutput: _o,
        setUserVolume: _v,
        setLocalMute: _m,
        setStreamVolume: _sv,
        setStreamMute: _sm,
        ...data
      } = get();
      storage.set(KEY, data);
    };
    return {
      ...loadSettings(storage),
      update: (patch) => save(patch),
      setInput: (input) => save({ input }),
      setOutput: (output) => save({ output }),
      setUserVolume: (userId, volume) => save({ userVolumes: { ...get().userVolumes, [userId]: clampVolume(volume) } }),
      setLocalMute: (userId, muted) => save({ localMutes: withFlag(get().localMutes, userId, muted) }),
      setStreamVolume: (userId, volume) => save({ streamVolumes: { ...get().streamVolumes, [userId]: clampVolume(volume) } }),
      setStreamMute: (userId, muted) => save({ streamMutes: withFlag(get().streamMutes, userId, muted) }),
    };
  });
  return store;
}
