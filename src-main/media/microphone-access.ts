import type { Log } from '../log';

/**
 * The OS side of capture: only the microphone and camera permissions live in main. Device enumeration and choice belong
 * to the renderer (features/settings/device-fallback.ts), the one process that sees MediaDevices and opens the streams.
 */

export type MicrophoneAccess = 'granted' | 'denied' | 'restricted' | 'not-determined' | 'unknown';

export interface SystemPreferencesLike {
  getMediaAccessStatus(mediaType: 'microphone' | 'camera'): string;
  askForMediaAccess(mediaType: 'microphone' | 'camera'): Promise<boolean>;
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
    /**
     * The camera, asked when the page first opens one (the permission handler calls this before granting 'media' with
     * video): macOS shows its prompt once, then remembers; elsewhere there is no OS prompt to trigger.
     */
    async ensureCamera(): Promise<boolean> {
      if (deps.platform !== 'darwin') return true;
      const s = deps.systemPreferences.getMediaAccessStatus('camera');
      if (s === 'granted') return true;
      if (s !== 'not-determined') {
        deps.log.info({ status: s }, 'macOS camera access is off for Parley (System Settings → Privacy & Security → Camera)');
        return false;
      }
      const granted = await deps.systemPreferences.askForMediaAccess('camera');
      deps.log.info({ granted }, 'macOS camera access prompt answered');
      return granted;
    },
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
