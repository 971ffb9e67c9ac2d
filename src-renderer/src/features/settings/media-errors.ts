import { platform } from '../../platform/platform';

/** A capture device the browser can refuse. */
export type CaptureDevice = 'microphone' | 'camera';

/** Whether this page can ask for a microphone or camera at all (browsers offer none to a page over plain http). */
export function canCapture(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getUserMedia === 'function';
}

/**
 * What to tell the user when a microphone or camera could not be opened: getUserMedia's error by its name, or, when
 * the page has no getUserMedia at all, that it is not a secure context (a self-hosted server reached over plain http).
 * In the desktop app a refusal comes from the OS (macOS privacy settings, Windows' microphone switch), not a browser.
 */
export function describeCaptureError(err: unknown, device: CaptureDevice, env: { capturable?: boolean; desktop?: boolean } = {}): string {
  const { capturable = canCapture(), desktop = platform().kind === 'desktop' } = env;
  const Device = device === 'microphone' ? 'Microphone' : 'Camera';
  if (!capturable) {
    return `This page can't use a ${device}: browsers allow one only over a secure connection. Open Parley over https (or at localhost).`;
  }
  const name = errorName(err);
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return desktop
      ? `${Device} access is off for Parley. Allow it in your system's privacy settings.`
      : `${Device} access was denied. Allow it in your browser or system settings.`;
  }
  if (isMissingDevice(err)) return `No ${device} found. Plug one in, or pick another.`;
  if (name === 'NotReadableError' || name === 'AbortError') return `The ${device} is in use by another app.`;
  return `Couldn't open the ${device}.`;
}

function errorName(err: unknown): string {
  return typeof err === 'object' && err !== null && 'name' in err ? String((err as { name: unknown }).name) : '';
}

/** getUserMedia's "no such device" (none plugged in, or the chosen one gone), as against a denial or a busy device. */
export function isMissingDevice(err: unknown): boolean {
  const name = errorName(err);
  return name === 'NotFoundError' || name === 'OverconstrainedError';
}
