import { z } from 'zod';
import { Id, IsoDate } from './common';
import { DisplayName } from './users';

/**
 * Bot accounts and API tokens (issue 18 part 3).
 *
 * Both authenticate with `Authorization: Bearer <token>`, the same header as a session's access token; the token's
 * prefix says what it is: `pbt_` a bot's token, `ppt_` a personal API token. A token is `<prefix><id>_<secret>`: the
 * 24-hex id finds its record in one indexed read, the secret (32 random bytes, base64url) is stored only as its sha256.
 */
export const BOT_TOKEN_PREFIX = 'pbt_';
export const PERSONAL_TOKEN_PREFIX = 'ppt_';

/**
 * What a personal API token may do. A route that a token may call declares the one scope it needs (RouteContract
 * `scope`); routes without one (account, sessions, bots and tokens themselves, guild administration) refuse every
 * token with 403 MISSING_SCOPE. A bot's token holds every scope.
 */
export const API_SCOPES = ['guilds:read', 'messages:read', 'messages:write', 'voice:join'] as const;
export const ApiScope = z.enum(API_SCOPES);
export type ApiScope = z.infer<typeof ApiScope>;

export const Bot = z.object({
  id: Id,
  username: z.string(),
  displayName: z.string(),
  createdAt: IsoDate,
  /** Guilds the bot is a member of. */
  guildIds: z.array(Id),
});
export type Bot = z.infer<typeof Bot>;

export const BotIdParams = z.strictObject({ botId: Id });
export const GuildBotParams = z.strictObject({ guildId: Id, botId: Id });
export const CreateBotBody = z.strictObject({ name: DisplayName });
export type CreateBotBody = z.infer<typeof CreateBotBody>;
export const UpdateBotBody = z.strictObject({ name: DisplayName });
export type UpdateBotBody = z.infer<typeof UpdateBotBody>;

/** A bot's token, shown once: on creation and on reset (the old one stops working at once). */
export const BotWithToken = z.object({ bot: Bot, token: z.string() });
export type BotWithToken = z.infer<typeof BotWithToken>;
export const BotToken = z.object({ token: z.string() });
export type BotToken = z.infer<typeof BotToken>;

/** A personal API token as listed (never its secret). */
export const ApiToken = z.object({
  id: Id,
  name: z.string(),
  scopes: z.array(ApiScope),
  createdAt: IsoDate,
  /** Null: never expires. */
  expiresAt: IsoDate.nullable(),
});
export type ApiToken = z.infer<typeof ApiToken>;

export const ApiTokenIdParams = z.strictObject({ tokenId: Id });
export const CreateApiTokenBody = z.strictObject({
  name: DisplayName,
  scopes: z.array(ApiScope).min(1).max(API_SCOPES.length),
  /** Days until it expires (1–365), or null for never. */
  expiresInDays: z.number().int().min(1).max(365).nullable(),
});
export type CreateApiTokenBody = z.infer<typeof CreateApiTokenBody>;
export const CreatedApiToken = z.object({ apiToken: ApiToken, token: z.string() });
export type CreatedApiToken = z.infer<typeof CreatedApiToken>;
