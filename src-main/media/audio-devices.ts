import type { AudioDevicesChanged, MediaDeviceInfoLite, ResolvedDevice } from '@shared/ipc/contract';
import type { DevicePreference, Settings, SettingsPatch } from '@shared/ipc/settings';
import type { Log } from '../log';

/**
 * OS audio device preferences, owned by main. The renderer reports `enumerateDevices()` at start and on every
 * `devicechange`; we resolve the saved preference against that list and tell the renderer which device to use,
 * whether it had to fall back to the system default, and what was plugged or unplugged — so it can fall back when
 * a headset disappears and return to it when it comes back.
 */

type Kind = 'audioinput' | 'audiooutput';

/** Chromium's pseudo-devices: they follow the OS default and are never a "preferred device". */
const PSEUDO = new Set(['default', 'communications', '']);

/** By id first; ids can change across reboots or USB ports, so then by label (which Chromium keeps stable). */
export function resolvePreference(pref: DevicePreference, devices: readonly MediaDeviceInfoLite[], kind: Kind): ResolvedDevice & { matchedBy: 'id' | 'label' | null; deviceId: string | null } {
  if (pref.mode === 'default') return { deviceId: null, preferredAvailable: true, matchedBy: null };
  const candidates = devices.filter((d) => d.kind === kind && !PSEUDO.has(d.deviceId));
  const byId = candidates.find((d) => d.deviceId === pref.deviceId);
  if (byId) return { deviceId: byId.deviceId, preferredAvailable: true, matchedBy: 'id' };
  const byLabel = pref.label ? candidates.find((d) => d.label === pref.label) : undefined;
  if (byLabel) return { deviceId: byLabel.deviceId, preferredAvailable: true, matchedBy: 'label' };
  return { deviceId: null, preferredAvailable: false, matchedBy: null };
}

const keyOf = (d: MediaDeviceInfoLite): string => `${d.kind}\u0000${d.deviceId}`;

export function createAudioDevices(deps: {
  settings: { get(): Settings; update(patch: SettingsPatch): Promise<Settings> };
  log: Log;
}): { report(devices: readonly MediaDeviceInfoLite[]): Promise<AudioDevicesChanged> } {
  let previous: Map<string, MediaDeviceInfoLite> | null = null;

  return {
    async report(devices) {
      const real = devices.filter((d) => !PSEUDO.has(d.deviceId));
      const current = new Map(real.map((d) => [keyOf(d), d]));
      const added = previous ? real.filter((d) => !previous!.has(keyOf(d))) : [];
      const removed = previous ? [...previous.values()].filter((d) => !current.has(keyOf(d))) : [];
      previous = current;

      const { audio } = deps.settings.get();
      const input = resolvePreference(audio.input, devices, 'audioinput');
      const output = resolvePreference(audio.output, devices, 'audiooutput');

      // A preference found by label under a new id: remember the new id so the next lookup is exact.
      const patch: NonNullable<SettingsPatch['audio']> = {};
      if (input.matchedBy === 'label' && audio.input.mode === 'device' && input.deviceId) patch.input = { ...audio.input, deviceId: input.deviceId };
      if (output.matchedBy === 'label' && audio.output.mode === 'device' && output.deviceId) patch.output = { ...audio.output, deviceId: output.deviceId };
      if (patch.input || patch.output) await deps.settings.update({ audio: patch });

      if (added.length || removed.length || !input.preferredAvailable || !output.preferredAvailable) {
        deps.log.info(
          { added: added.length, removed: removed.length, inputPreferred: input.preferredAvailable, outputPreferred: output.preferredAvailable },
          'audio devices changed',
        );
      }
      return {
        input: { deviceId: input.deviceId, preferredAvailable: input.preferredAvailable },
        output: { deviceId: output.deviceId, preferredAvailable: output.preferredAvailable },
        added,
        removed,
      };
    },
  };
}

export type MicrophoneAccess = 'granted' | 'denied' | 'restricted' | 'not-determined' | 'unknown';

export interface SystemPreferencesLike {
  getMediaAccessStatus(mediaType: 'microphone'): string;
  askForMediaAccess(mediaType: 'microphone'): Promise<boolean>;
}

/**
 * The OS-level microphone permission. Only macOS has a prompt we must trigger (TCC); elsewhere Chromium's own
 * permission (our permission table) is the whole story, and Windows' privacy switch is reported by getUserMedia.
 */
export function createMediaAccess(deps: { platform: NodeJS.Platform; systemPreferences: SystemPreferencesLike; log: Log }) {
  const known = new Set<MicrophoneAccess>(['granted', 'denied', 'restricted', 'not-determined']);
  const status = (): MicrophoneAccess => {
    if (deps.platform !== 'darwin' && deps.platform !== 'win32') return 'granted';
    const s = deps.systemPreferences.getMediaAccessStatus('microphone');
    return known.has(s as MicrophoneAccess) ? (s as MicrophoneAccess) : 'unknown';
  };
  return {
    status,
    async request(): Promise<{ granted: boolean; status: MicrophoneAccess }> {
      if (deps.platform !== 'darwin') {
        const s = status();
        return { granted: s === 'granted' || s === 'unknown', status: s };
      }
      const granted = await deps.systemPreferences.askForMediaAccess('microphone');
      deps.log.info({ granted }, 'macOS microphone access prompt answered');
      return { granted, status: status() };
    },
  };
}
