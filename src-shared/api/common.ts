import { z } from 'zod';

/**
 * Building blocks of every REST contract. Ids are 24-hex-digit strings (MongoDB ObjectIds on the server), timestamps are
 * ISO 8601 strings, lists are paginated by cursor.
 */
export const Id = z.string().regex(/^[0-9a-f]{24}$/, 'must be a 24-character lowercase hex id');
export type Id = z.infer<typeof Id>;

export const IsoDate = z.iso.datetime();

/** The closed set of error codes the API returns. Adding one is a contract change: add it here, in one place. */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'MALFORMED_JSON',
  /** A name or text holds a control character or a bidirectional override (text.ts); 400. */
  'INVALID_CHARACTERS',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNAUTHENTICATED',
  'TOKEN_EXPIRED',
  'INVALID_CREDENTIALS',
  'FORBIDDEN',
  /** An API token (bot or personal) without the scope the route needs, or on a route no token may call; 403. */
  'MISSING_SCOPE',
  'NOT_FOUND',
  'CONFLICT',
  'USERNAME_TAKEN',
  'RATE_LIMITED',
  'BANNED',
  'INVITE_INVALID',
  'CHANNEL_FULL',
  'WRONG_CHANNEL_TYPE',
  'REACTION_LIMIT',
  'INVALID_REPLY',
  'USER_BUSY',
  'DEPENDENCY_UNAVAILABLE',
  /** A webhook URL is not allowed: not https in production, or it resolves to a private / loopback / ... address; 400. */
  'WEBHOOK_URL_REFUSED',
  /** Webhooks are off on this server (it runs without REDIS_URL); 503. */
  'WEBHOOKS_DISABLED',
  'INTERNAL',
] as const;
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorBody = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    details: z.unknown().optional(),
    requestId: z.string(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Query of list endpoints paginated by id: newest first, `before` = last id of the previous page. */
export const PageQuery = z.strictObject({
  before: Id.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type PageQuery = z.infer<typeof PageQuery>;

export function page<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    /** Pass as `before` to get the next page; null when this was the last page. */
    nextCursor: Id.nullable(),
  });
}

export const GuildIdParams = z.strictObject({ guildId: Id });
export const ChannelIdParams = z.strictObject({ channelId: Id });
export const Empty = z.strictObject({});
