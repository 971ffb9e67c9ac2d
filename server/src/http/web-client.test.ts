import { describe, expect, it } from 'vitest';
import { pickEncoding } from './web-client';

describe('pickEncoding', () => {
  const both = ['br', 'gzip'] as const;

  it('when the client accepts brotli and gzip, then brotli is sent', () => {
    expect(pickEncoding('gzip, deflate, br, zstd', both)).toBe('br');
  });

  it('when the client accepts only gzip, then gzip is sent', () => {
    expect(pickEncoding('gzip, deflate', both)).toBe('gzip');
    expect(pickEncoding('x-gzip', both)).toBe('gzip');
  });

  it('when the client prefers gzip by quality, then gzip is sent', () => {
    expect(pickEncoding('br;q=0.5, gzip;q=0.9', both)).toBe('gzip');
  });

  it('when the client refuses an encoding with q=0, then it is never sent', () => {
    expect(pickEncoding('br;q=0, gzip', both)).toBe('gzip');
    expect(pickEncoding('*;q=0', both)).toBeNull();
    expect(pickEncoding('br;q=0, gzip;q=0', both)).toBeNull();
  });

  it('when the client sends a wildcard, then brotli is sent', () => {
    expect(pickEncoding('*', both)).toBe('br');
  });

  it('when there is no Accept-Encoding or only identity, then the file goes uncompressed', () => {
    expect(pickEncoding(undefined, both)).toBeNull();
    expect(pickEncoding('', both)).toBeNull();
    expect(pickEncoding('identity', both)).toBeNull();
  });

  it('when only one copy exists, then only that one can be chosen', () => {
    expect(pickEncoding('br, gzip', ['gzip'])).toBe('gzip');
    expect(pickEncoding('gzip', ['br'])).toBeNull();
    expect(pickEncoding('br, gzip', [])).toBeNull();
  });
});
