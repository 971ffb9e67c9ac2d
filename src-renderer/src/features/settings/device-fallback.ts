/**
 * Which physical device to capture from / play to, given the user's preference and what is plugged in now. The renderer
 * is the one owner of this choice (main only reports the OS microphone permission): it alone sees MediaDevices and
 * opens the streams, and the web client has no main process. The preference persists in the renderer's settings.
 * "Follow system default" always resolves to the OS default. A pinned device is used while present; when it
 * disappears we fall back to the default and say so once, and when it comes back we return to it and say so once.
 */
export interface DeviceInfo {
  deviceId: string;
  label: string;
  kind: 'audioinput' | 'audiooutput' | 'videoinput';
}

export type DevicePreference = { mode: 'default' } | { mode: 'pinned'; deviceId: string; label: string };

export interface DeviceResolution {
  /** The deviceId to hand to getUserMedia / setSinkId; 'default' means the OS default. */
  deviceId: string;
  /** True while a pinned device is missing and we are on the default instead. */
  fellBack: boolean;
}

export type DeviceEvent = { type: 'fell-back'; label: string } | { type: 'returned'; label: string } | { type: 'switched'; label: string };

/** Chromium's pseudo-devices follow the OS default; they are never the pinned device itself. */
const PSEUDO = new Set(['default', 'communications', '']);

export function resolveDevice(pref: DevicePreference, available: readonly DeviceInfo[]): DeviceResolution {
  if (pref.mode === 'default') return { deviceId: 'default', fellBack: false };
  const real = available.filter((d) => !PSEUDO.has(d.deviceId));
  const byId = real.find((d) => d.deviceId === pref.deviceId);
  if (byId) return { deviceId: byId.deviceId, fellBack: false };
  // Browsers may re-key a device after a replug or a reboot; the label is the next best identity.
  const byLabel = pref.label ? real.find((d) => d.label === pref.label) : undefined;
  if (byLabel) return { deviceId: byLabel.deviceId, fellBack: false };
  return { deviceId: 'default', fellBack: true };
}

/** A pinned device found under a new id: the preference to save so the next lookup is exact (else null). */
export function rekeyedPreference(pref: DevicePreference, resolution: DeviceResolution): DevicePreference | null {
  if (pref.mode !== 'pinned' || resolution.fellBack || resolution.deviceId === pref.deviceId) return null;
  return { ...pref, deviceId: resolution.deviceId };
}

/** The user-visible consequence of going from `prev` to `next` (null when nothing worth a toast happened). */
export function deviceTransition(pref: DevicePreference, prev: DeviceResolution | null, next: DeviceResolution): DeviceEvent | null {
  if (pref.mode !== 'pinned' || prev === null) return null;
  if (!prev.fellBack && next.fellBack) return { type: 'fell-back', label: pref.label || 'Pinned device' };
  if (prev.fellBack && !next.fellBack) return { type: 'returned', label: pref.label || 'Pinned device' };
  return null;
}

/** What an unlabelled device is called (labels appear only once the page may capture from that kind). */
const FALLBACK_NAMES: Record<DeviceInfo['kind'], string> = { audioinput: 'Microphone', audiooutput: 'Speaker', videoinput: 'Camera' };

export function toDeviceInfos(devices: readonly MediaDeviceInfo[], kind: DeviceInfo['kind']): DeviceInfo[] {
  return devices
    .filter((d) => d.kind === kind)
    .map((d, i) => ({ deviceId: d.deviceId, label: d.label || `${FALLBACK_NAMES[kind]} ${i + 1}`, kind }));
}
