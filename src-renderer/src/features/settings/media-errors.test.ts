import { describe, expect, it } from 'vitest';
import { describeCaptureError } from './media-errors';

const err = (name: string) => new DOMException('browser words', name);

describe('describeCaptureError', () => {
  it('names what the browser refused, by the error name', () => {
    expect(describeCaptureError(err('NotAllowedError'), 'microphone', true)).toBe(
      'Microphone access was denied. Allow it in your browser or system settings.',
    );
    expect(describeCaptureError(err('NotFoundError'), 'microphone', true)).toBe('No microphone found. Plug one in, or pick another.');
    expect(describeCaptureError(err('OverconstrainedError'), 'camera', true)).toBe('No camera found. Plug one in, or pick another.');
    expect(describeCaptureError(err('NotReadableError'), 'camera', true)).toBe('The camera is in use by another app.');
    expect(describeCaptureError(new Error('odd'), 'microphone', true)).toBe("Couldn't open the microphone.");
    expect(describeCaptureError(undefined, 'microphone', true)).toBe("Couldn't open the microphone.");
  });

  it('says why when the page has no getUserMedia at all (plain http), whatever was thrown', () => {
    const text = describeCaptureError(new TypeError("Cannot read properties of undefined (reading 'getUserMedia')"), 'microphone', false);
    expect(text).toContain('over a secure connection');
    expect(text).toContain('https');
    expect(describeCaptureError(err('NotAllowedError'), 'camera', false)).toMatch(/^This page can't use a camera/);
  });
});
