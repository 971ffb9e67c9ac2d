import { createHash } from 'node:crypto';
import { IMAGE_SIZE } from '@shared/api/images';
import sharp from 'sharp';
import { AppError } from '../../errors';

/** Decoded images above this many pixels are refused before their pixels are decoded (a small PNG can claim 60000²). */
export const MAX_INPUT_PIXELS = 40_000_000;

export type SniffedFormat = 'png' | 'jpeg' | 'webp' | 'gif';

/**
 * The format of `bytes` by its signature. Only these four reach the decoder: libvips also reads SVG, TIFF, HEIF, PDF
 * and more, none of which an avatar needs, and their parsers are attack surface we do not have to expose.
 */
export function sniffImageFormat(bytes: Uint8Array): SniffedFormat | null {
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (
    bytes.length >= 8 &&
    bytes[0] === 0x89 &&
    ascii(1, 4) === 'PNG' &&
    bytes[4] === 0x0d &&
    bytes[5] === 0x0a &&
    bytes[6] === 0x1a &&
    bytes[7] === 0x0a
  )
    return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  if (bytes.length >= 6 && (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a')) return 'gif';
  return null;
}

export interface ProcessedImage {
  data: Buffer;
  hash: string;
}

const notAnImage = () => new AppError('UNSUPPORTED_MEDIA_TYPE', 'The body is not a PNG, JPEG, WebP or GIF image');

/**
 * Uploaded bytes → the stored image: decoded (the format comes from the bytes, whatever the Content-Type said), turned
 * upright by its EXIF orientation, centre-cropped to a square, scaled to IMAGE_SIZE², re-encoded as WebP. sharp writes
 * no metadata unless asked (no `keepMetadata`/`withMetadata` here), so EXIF (GPS included), XMP, IPTC and ICC
 * profiles are dropped. Animated GIF/WebP keep their first frame.
 */
export async function processImage(bytes: Buffer): Promise<ProcessedImage> {
  const format = sniffImageFormat(bytes);
  if (!format) throw notAnImage();
  let data: Buffer;
  try {
    const input = sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error', pages: 1 });
    const meta = await input.metadata();
    if (meta.format !== format) throw notAnImage();
    data = await input.rotate().resize(IMAGE_SIZE, IMAGE_SIZE, { fit: 'cover', position: 'centre' }).webp({ quality: 85 }).toBuffer();
  } catch (err) {
    if (err instanceof AppError) throw err;
    const message = err instanceof Error ? err.message : '';
    if (/pixel limit/i.test(message))
      throw new AppError('PAYLOAD_TOO_LARGE', `The image is larger than ${MAX_INPUT_PIXELS / 1_000_000} megapixels`);
    throw notAnImage();
  }
  return { data, hash: createHash('sha256').update(data).digest('hex').slice(0, 32) };
}
