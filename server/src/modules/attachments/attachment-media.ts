import { ATTACHMENT_THUMBNAIL_SIZE, type AttachmentKind } from '@shared/api/attachments';
import sharp from 'sharp';
import { MAX_INPUT_PIXELS, sniffImageFormat } from '../images/image-pipeline';

/**
 * What an upload is, from its bytes alone (the client's Content-Type and file name are never believed), and how it is
 * stored and served.
 *
 * Only raster images, audio and video are ever served inline, with the sniffed type; everything else — HTML, SVG, XML,
 * scripts, PDFs, unknown bytes — is `application/octet-stream` and `Content-Disposition: attachment`, so no upload can
 * run script in our origin, whatever its name says.
 */
export interface Sniffed {
  contentType: string;
  kind: AttachmentKind;
}

const OCTET: Sniffed = { contentType: 'application/octet-stream', kind: 'file' };

export function sniffAttachment(bytes: Uint8Array): Sniffed {
  const ascii = (from: number, to: number) => (bytes.length >= to ? String.fromCharCode(...bytes.subarray(from, to)) : '');
  const image = sniffImageFormat(bytes);
  if (image) return { contentType: `image/${image}`, kind: 'image' };
  if (ascii(0, 4) === 'OggS') return { contentType: 'audio/ogg', kind: 'audio' };
  if (ascii(0, 4) === 'fLaC') return { contentType: 'audio/flac', kind: 'audio' };
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return { contentType: 'audio/wav', kind: 'audio' };
  if (ascii(0, 3) === 'ID3') return { contentType: 'audio/mpeg', kind: 'audio' };
  // An MPEG audio frame header: 11 sync bits, then a layer that is not "reserved".
  if (bytes.length >= 2 && bytes[0] === 0xff && (bytes[1]! & 0xe0) === 0xe0 && (bytes[1]! & 0x06) !== 0) {
    return { contentType: 'audio/mpeg', kind: 'audio' };
  }
  if (ascii(4, 8) === 'ftyp') {
    const brand = ascii(8, 12);
    if (brand === 'M4A ' || brand === 'M4B ') return { contentType: 'audio/mp4', kind: 'audio' };
    if (brand === 'qt  ') return { contentType: 'video/quicktime', kind: 'video' };
    return { contentType: 'video/mp4', kind: 'video' };
  }
  if (bytes.length >= 4 && bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) {
    return { contentType: 'video/webm', kind: 'video' };
  }
  if (ascii(0, 5) === '%PDF-') return { contentType: 'application/pdf', kind: 'file' };
  return OCTET;
}

/** How a stored attachment is served: its own type inline for media, else bytes to download. */
export function servedAs(a: { contentType: string; kind: AttachmentKind }): { contentType: string; inline: boolean } {
  if (a.kind === 'file') return { contentType: 'application/octet-stream', inline: false };
  return { contentType: a.contentType, inline: true };
}

/** The uploader's file name without path parts, control or bidi characters; `file` when nothing is left. */
export function cleanFilename(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  return clean === '' || clean === '.' || clean === '..' ? 'file' : clean.slice(0, 255);
}

/** RFC 6266 `Content-Disposition` with an ASCII fallback and the UTF-8 name. */
export function contentDisposition(inline: boolean, filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export interface ProcessedAttachment {
  data: Buffer;
  contentType: string;
  kind: AttachmentKind;
  width: number | null;
  height: number | null;
  thumbnail: Buffer | null;
}

/**
 * Images are decoded and written again: turned upright by their EXIF orientation, in their own format, with no
 * metadata (sharp keeps none unless asked: EXIF with GPS, XMP, IPTC and ICC are gone), plus a WebP thumbnail at most
 * ATTACHMENT_THUMBNAIL_SIZE on its longer side. Animated GIF and WebP keep their frames. Bytes that look like an image
 * but do not decode, or are over MAX_INPUT_PIXELS, are kept as a plain file (never served as an image). Everything else
 * is stored as it came.
 */
export async function processAttachment(bytes: Buffer): Promise<ProcessedAttachment> {
  const sniffed = sniffAttachment(bytes);
  const asIs: ProcessedAttachment = { data: bytes, ...sniffed, width: null, height: null, thumbnail: null };
  if (sniffed.kind !== 'image') return asIs;
  try {
    const format = sniffImageFormat(bytes)!;
    const animated = format === 'gif' || format === 'webp';
    const meta = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error', animated }).metadata();
    if (meta.format !== format) return { ...asIs, ...OCTET };
    const pages = meta.pages ?? 1;
    let pipeline = sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error', animated });
    // Orientation is an EXIF idea (JPEG, sometimes WebP/PNG); rotating an animation frame by frame is not needed.
    if (pages === 1) pipeline = pipeline.rotate();
    const encoded =
      format === 'jpeg'
        ? pipeline.jpeg({ quality: 90, mozjpeg: true })
        : format === 'png'
          ? pipeline.png()
          : format === 'webp'
            ? pipeline.webp({ quality: 90 })
            : pipeline.gif();
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    // For animations sharp reports the whole strip of frames; a frame is pageHeight tall.
    const height = pages > 1 ? (info.pageHeight ?? Math.round(info.height / pages)) : info.height;
    const thumbnail = await sharp(data, { limitInputPixels: MAX_INPUT_PIXELS, pages: 1 })
      .resize(ATTACHMENT_THUMBNAIL_SIZE, ATTACHMENT_THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer();
    return { data, contentType: sniffed.contentType, kind: 'image', width: info.width, height, thumbnail };
  } catch {
    return { ...asIs, ...OCTET };
  }
}
