import { describe, expect, it } from 'vitest';
import { decodeBody } from './safe-fetch';

describe('page body decoding', () => {
  const cafe1252 = Buffer.from([0x63, 0x61, 0x66, 0xe9]); // "café" in windows-1252

  it('when the Content-Type names a charset, then the body is read in it', () => {
    expect(decodeBody(cafe1252, 'text/html; charset=windows-1252')).toBe('café');
  });

  it('when only a meta tag names it, then that charset is used', () => {
    const body = Buffer.concat([Buffer.from('<head><meta charset="iso-8859-1"><title>'), cafe1252]);
    expect(decodeBody(body, 'text/html')).toContain('<title>café');
    const httpEquiv = Buffer.concat([Buffer.from('<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'), cafe1252]);
    expect(decodeBody(httpEquiv, 'text/html')).toContain('café');
  });

  it('when no charset or an unknown one is named, then UTF-8 is used', () => {
    expect(decodeBody(Buffer.from('café'), 'text/html')).toBe('café');
    expect(decodeBody(Buffer.from('café'), 'text/html; charset=x-nonsense')).toBe('café');
  });
});
