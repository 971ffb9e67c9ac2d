import { describe, expect, it } from 'vitest';
import { describeCaptureError } from './media-errors';

const err = (name: string) => new DOMException('browser words', name);
const WEB = { capturable: true, desktop: false };

describe('describeCaptureError', () => {
  it('names what the browser refused, by the error name', () => {
    expect(describeCaptureError(err('NotAllowedError'), 'microphone', WEB)).toBe(
      'Microphone access was denied. Allow it in your browser or system settings.',
    );
    expect(describeCaptureError(err('NotFoundError'), 'microphone', WEB)).toBe('No microphone found. Plug one in, or pick another.');
    expect(describeCaptureError(err('OverconstrainedError'), 'camera', WEB)).toBe('No camera found. Plug one in, or pick another.');
    expect(describeCaptureError(err('NotReadableError'), 'camera', WEB)).toBe('The camera is in use by another app.');
    expect(describeCaptureError(new Error('odd'), 'microphone', WEB)).toBe("Couldn't open the microphone.");
    expect(describeCaptureError(undefined, 'microphone', WEB)).toBe("Couldn't open the microphone.");
  });

  it('in the desktop app, sends a refusal to the system privacy settings (no browser there)', () => {
    expect(describeCaptureError(err('NotAllowedError'), 'microphone', { capturable: true, desktop: true })).toBe(
      "Microphone access is off for Parley. Allow it in your system's privacy settings.",
    );
  });

  it('says why when the page has no getUserMedia at all (plain http), whatever was thrown', () => {
    const text = describeCaptureError(new TypeError("Cannot read properties of undefined (reading 'getUserMedia')"), 'microphone', {
      capturable: false,
      desktop: false,
    });
    expect(text).toContain('over a secure connection');
    expect(text).toContain('https');
    expect(describeCaptureError(err('NotAllowedError'), 'camera', { capturable: false, desktop: false })).toMatch(
      /^This page can't use a camera/,
    );
  });
});
