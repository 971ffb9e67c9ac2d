import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors';
import { processImage, sniffImageFormat } from './image-pipeline';

/** A PNG with a header claiming `width`×`height` and no pixel data at all. */
function pngHeaderOnly(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    return err instanceof AppError ? err.code : `other: ${String(err)}`;
  }
}

describe('image pipeline', () => {
  it('when bytes start with a PNG, JPEG, WebP or GIF signature, then that is the format; anything else is none', async () => {
    const img = sharp({ create: { width: 4, height: 4, channels: 3, background: '#abcdef' } });
    expect(sniffImageFormat(await img.clone().png().toBuffer())).toBe('png');
    expect(sniffImageFormat(await img.clone().jpeg().toBuffer())).toBe('jpeg');
    expect(sniffImageFormat(await img.clone().webp().toBuffer())).toBe('webp');
    expect(sniffImageFormat(await img.clone().gif().toBuffer())).toBe('gif');
    expect(sniffImageFormat(await img.clone().tiff().toBuffer())).toBeNull();
    expect(sniffImageFormat(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffImageFormat(Buffer.alloc(0))).toBeNull();
  });

  it('when an SVG or TIFF arrives (formats libvips could decode), then it is refused before decoding', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
    expect(await codeOf(processImage(svg))).toBe('UNSUPPORTED_MEDIA_TYPE');
    const tiff = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } })
      .tiff()
      .toBuffer();
    expect(await codeOf(processImage(tiff))).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('when a PNG of more than 40 megapixels arrives (1.4 MB on the wire), then it is refused as too large', async () => {
    const big = await sharp({ create: { width: 7000, height: 7000, channels: 3, background: '#000' } })
      .png({ compressionLevel: 1 })
      .toBuffer();
    expect(await codeOf(processImage(big))).toBe('PAYLOAD_TOO_LARGE');
  });

  it('when a PNG has a header and no pixels, then it is not an image', async () => {
    expect(await codeOf(processImage(pngHeaderOnly(100, 100)))).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('when a tall animated GIF is processed, then the result is one 256×256 WebP frame and its hash names its bytes', async () => {
    const frames = await sharp({ create: { width: 30, height: 90, channels: 4, background: '#ff0000ff' } })
      .gif()
      .toBuffer();
    const out = await processImage(frames);
    const meta = await sharp(out.data).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 256, height: 256 });
    expect(meta.pages ?? 1).toBe(1);
    expect(out.hash).toMatch(/^[0-9a-f]{32}$/);
    expect((await processImage(frames)).hash).toBe(out.hash);
  });
});
