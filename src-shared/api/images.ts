import { z } from 'zod';
import { Id } from './common';

/**
 * Avatars and guild icons. The client uploads an image as the raw request body (`Content-Type: image/png`, `image/jpeg`,
 * `image/webp` or `image/gif`, at most IMAGE_UPLOAD_MAX_BYTES); the server decodes it (the real format comes from the
 * bytes, not from the header), drops every metadata block (EXIF, GPS, XMP, ICC), crops it to a centred square, scales it
 * to IMAGE_SIZE × IMAGE_SIZE and stores it as WebP. The user or guild then carries the image's content hash, and the
 * image is served at a URL made of the owner's id and that hash.
 */
export const IMAGE_UPLOAD_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const;
export const IMAGE_UPLOAD_MAX_BYTES = 8 * 1024 * 1024;
/** Width and height of every stored avatar and icon, in pixels. */
export const IMAGE_SIZE = 256;

/** The first 32 hex digits (128 bits) of the SHA-256 of the stored WebP. */
export const ImageHash = z.string().regex(/^[0-9a-f]{32}$/, 'must be a 32-character lowercase hex hash');
export type ImageHash = z.infer<typeof ImageHash>;

export const UserAvatarParams = z.strictObject({ userId: Id, hash: ImageHash });
export const GuildIconParams = z.strictObject({ guildId: Id, hash: ImageHash });

/** Error statuses of an upload, beyond the ones every route has (listed in the OpenAPI document). */
export const IMAGE_UPLOAD_ERRORS = {
  '413': 'PAYLOAD_TOO_LARGE: the body is over 8 MB, or the image over 40 megapixels',
  '415': 'UNSUPPORTED_MEDIA_TYPE: the Content-Type is not one of the image types, or the body is not a PNG, JPEG, WebP or GIF image',
} as const;
