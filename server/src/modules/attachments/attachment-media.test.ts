import { describe, expect, it } from 'vitest';
import { cleanFilename, contentDisposition, processAttachment, servedAs, sniffAttachment } from './attachment-media';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

describe('attachment sniffing', () => {
  it('when bytes start with a known signature, then the type comes from them; HTML, SVG and scripts are plain files', () => {
    expect(sniffAttachment(bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a, 0, 0]))).toEqual({ contentType: 'image/png', kind: 'image' });
    expect(sniffAttachment(bytes('OggS', [0, 2]))).toEqual({ contentType: 'audio/ogg', kind: 'audio' });
    expect(sniffAttachment(bytes('ID3', [4, 0]))).toEqual({ contentType: 'audio/mpeg', kind: 'audio' });
    expect(sniffAttachment(bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt '))).toEqual({ contentType: 'audio/wav', kind: 'audio' });
    expect(sniffAttachment(bytes([0, 0, 0, 0x20], 'ftypisom'))).toEqual({ contentType: 'video/mp4', kind: 'video' });
    expect(sniffAttachment(bytes([0, 0, 0, 0x20], 'ftypM4A '))).toEqual({ contentType: 'audio/mp4', kind: 'audio' });
    expect(sniffAttachment(bytes([0x1a, 0x45, 0xdf, 0xa3]))).toEqual({ contentType: 'video/webm', kind: 'video' });
    for (const text of [
      '<!doctype html><script>x</script>',
      '<svg xmlns="http://www.w3.org/2000/svg"/>',
      '<?xml version="1.0"?>',
      'alert(1)',
    ]) {
      expect(sniffAttachment(Buffer.from(text))).toEqual({ contentType: 'application/octet-stream', kind: 'file' });
    }
    expect(sniffAttachment(Buffer.from('%PDF-1.7'))).toEqual({ contentType: 'application/pdf', kind: 'file' });
  });

  it('when served, then only media is inline and every file is an octet-stream download', () => {
    expect(servedAs({ contentType: 'image/png', kind: 'image' })).toEqual({ contentType: 'image/png', inline: true });
    expect(servedAs({ contentType: 'application/pdf', kind: 'file' })).toEqual({ contentType: 'application/octet-stream', inline: false });
  });

  it('when names carry paths, controls or quotes, then they are cleaned and the header stays well-formed', () => {
    expect(cleanFilename('../../etc/passwd')).toBe('passwd');
    expect(cleanFilename('C:\\Users\\me\\photo.jpg')).toBe('photo.jpg');
    expect(cleanFilename('evil\u202egnp.exe')).toBe('evilgnp.exe');
    expect(cleanFilename('..')).toBe('file');
    expect(contentDisposition(false, 'a "b".txt')).toBe(`attachment; filename="a _b_.txt"; filename*=UTF-8''a%20%22b%22.txt`);
    expect(contentDisposition(true, 'café.png')).toMatch(/^inline; filename="caf_.png"; filename\*=UTF-8''caf%C3%A9.png$/);
  });

  it('when bytes claim PNG but do not decode, then they are kept as a plain file', async () => {
    const fake = bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a], '<html>nope</html>');
    expect(await processAttachment(fake)).toMatchObject({ kind: 'file', contentType: 'application/octet-stream', thumbnail: null });
  });
});
