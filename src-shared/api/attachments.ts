import { z } from 'zod';
import { ChannelIdParams, GuildIdParams, Id, IsoDate } from './common';
import { defineRoute } from './contract';
import { safeName } from './text';

/**
 * Files attached to messages. The client uploads each file as the raw body of `POST /channels/:channelId/attachments`
 * (any Content-Type: the server ignores it and sniffs the bytes), gets back a pending Attachment, and sends its id in
 * the message's `attachmentIds`. Pending uploads that no message claims within an hour are deleted by a sweep.
 *
 * Images (PNG, JPEG, WebP, GIF) are re-encoded without metadata (EXIF, GPS), turned upright, and get a WebP thumbnail;
 * everything else is stored as it came. Files are served only to members who can view the channel, through a
 * short-lived per-channel ticket in the URL (an `<img>` cannot send a Bearer header), with HTTP Range,
 * `X-Content-Type-Options: nosniff`, and inline only for raster images, audio and video.
 */

export const AttachmentKind = z.enum(['image', 'audio', 'video', 'file']);
export type AttachmentKind = z.infer<typeof AttachmentKind>;

export const Attachment = z.object({
  id: Id,
  /** The name the uploader gave, cleaned of path separators and control characters. */
  filename: z.string(),
  /** From the bytes, never from the client; `application/octet-stream` when unrecognised. */
  contentType: z.string(),
  size: z.number().int().nonnegative(),
  kind: AttachmentKind,
  /** Pixel size of images (after turning them upright); null for everything else. */
  width: z.number().int().positive().nullable(),
  height: z.number().int().positive().nullable(),
  /** Whether `thumb=1` gives a WebP thumbnail (at most ATTACHMENT_THUMBNAIL_SIZE on its longer side). */
  thumbnail: z.boolean(),
});
export type Attachment = z.infer<typeof Attachment>;

/** Attachments one message can carry. */
export const MAX_ATTACHMENTS_PER_MESSAGE = 10;
/** Longer side of an image thumbnail, in pixels. */
export const ATTACHMENT_THUMBNAIL_SIZE = 400;
/** A guild's upload limit unless its managers set another (never above the server's ATTACHMENT_MAX_BYTES). */
export const DEFAULT_GUILD_ATTACHMENT_MAX_BYTES = 25 * 1024 * 1024;

export const UploadAttachmentQuery = z.strictObject({ filename: safeName().min(1).max(255) });

export const AttachmentTicket = z.object({ ticket: z.string(), expiresAt: IsoDate });
export type AttachmentTicket = z.infer<typeof AttachmentTicket>;

export const AttachmentParams = z.strictObject({ attachmentId: Id });
export const AttachmentFileQuery = z.strictObject({
  /** `<userId>.<expiry seconds>.<HMAC-SHA256, base64url>` as createAttachmentTicket issues it for the channel. */
  ticket: z.string().regex(/^[0-9a-f]{24}\.\d{1,12}\.[A-Za-z0-9_-]{43}$/, 'malformed file ticket'),
  thumb: z.literal('1').optional(),
  download: z.literal('1').optional(),
});

export const AttachmentSettings = z.object({
  /** This guild's upload limit per file, in bytes. */
  maxBytes: z.number().int().positive(),
  /** The most the server allows (its ATTACHMENT_MAX_BYTES): the guild's limit cannot go above it. */
  serverMaxBytes: z.number().int().positive(),
});
export type AttachmentSettings = z.infer<typeof AttachmentSettings>;
export const UpdateAttachmentSettingsBody = z.strictObject({ maxBytes: z.number().int().min(1024) });

export const ATTACHMENT_UPLOAD_ERRORS = {
  '403': 'FORBIDDEN: missing ATTACH_FILES or SEND_MESSAGES in the channel',
  '413': "PAYLOAD_TOO_LARGE: the file is over the guild's upload limit (nothing is stored)",
} as const;

/** REST routes of attachments (under /api/v1). */
export const attachmentRoutes = {
  uploadAttachment: defineRoute({
    tag: 'attachments',
    method: 'post',
    path: '/channels/:channelId/attachments',
    summary:
      "Upload one file as the raw body (VIEW_CHANNEL + SEND_MESSAGES + ATTACH_FILES; at most the guild's limit): a pending attachment to send in attachmentIds within an hour",
    auth: true,
    params: ChannelIdParams,
    query: UploadAttachmentQuery,
    upload: { mediaTypes: ['application/octet-stream'], maxBytes: DEFAULT_GUILD_ATTACHMENT_MAX_BYTES },
    errors: ATTACHMENT_UPLOAD_ERRORS,
    response: Attachment,
    status: 201,
  }),
  createAttachmentTicket: defineRoute({
    tag: 'attachments',
    method: 'post',
    path: '/channels/:channelId/attachment-ticket',
    summary: "A ticket for getAttachmentFile: this channel's attachments, this user, about 30 minutes (VIEW_CHANNEL)",
    auth: true,
    params: ChannelIdParams,
    response: AttachmentTicket,
    status: 201,
  }),
  getAttachmentFile: defineRoute({
    tag: 'attachments',
    method: 'get',
    path: '/attachments/:attachmentId/file',
    summary:
      'The file (thumb=1: its thumbnail), authorised by a channel ticket (VIEW_CHANNEL re-checked); HTTP Range; inline only for images, audio and video',
    auth: false,
    params: AttachmentParams,
    query: AttachmentFileQuery,
    produces: '*/*',
    ranges: true,
    errors: {
      '401': 'UNAUTHENTICATED: the ticket is malformed or not for this channel; TOKEN_EXPIRED: it expired',
      '403': "FORBIDDEN: the ticket's user may no longer view the channel",
    },
  }),
  getAttachmentSettings: defineRoute({
    tag: 'attachments',
    method: 'get',
    path: '/guilds/:guildId/attachment-settings',
    summary: "The guild's upload limit (members)",
    auth: true,
    params: GuildIdParams,
    response: AttachmentSettings,
  }),
  updateAttachmentSettings: defineRoute({
    tag: 'attachments',
    method: 'patch',
    path: '/guilds/:guildId/attachment-settings',
    summary: "Set the guild's upload limit (MANAGE_GUILD; at most the server's ATTACHMENT_MAX_BYTES)",
    auth: true,
    params: GuildIdParams,
    body: UpdateAttachmentSettingsBody,
    response: AttachmentSettings,
  }),
} as const;
