import { z } from 'zod';
import { Id, IsoDate } from './common';
import { ImageHash } from './images';
import { PublicUser } from './users';
import { safeName, safeText } from './text';

export const GuildName = safeName().trim().min(1).max(100);

export const Guild = z.object({
  id: Id,
  name: z.string(),
  ownerId: Id,
  /** The icon's content hash (see images.ts for its URL), or null: the client shows the name's initials. */
  icon: ImageHash.nullable(),
  createdAt: IsoDate,
  /** Text channel where the server posts "<user> joined the server."; null = none. */
  systemChannelId: Id.nullable(),
});
export type Guild = z.infer<typeof Guild>;

export const CreateGuildBody = z.strictObject({ name: GuildName });
export const UpdateGuildBody = z.strictObject({
  name: GuildName.optional(),
  ownerId: Id.optional(),
  systemChannelId: Id.nullable().optional(),
});
export type UpdateGuildBody = z.infer<typeof UpdateGuildBody>;

export const Member = z.object({
  guildId: Id,
  user: PublicUser,
  /** Role ids, without @everyone (whose id is the guild id). */
  roleIds: z.array(Id),
  nick: z.string().nullable(),
  joinedAt: IsoDate,
});
export type Member = z.infer<typeof Member>;

export const MembersQuery = z.strictObject({
  /** Members are listed by user id ascending; `after` = last user id of the previous page. */
  after: Id.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(100),
});
export const MembersPage = z.object({ items: z.array(Member), nextCursor: Id.nullable() });

export const GuildMemberParams = z.strictObject({ guildId: Id, userId: Id });

export const UpdateMemberBody = z.strictObject({
  nick: safeName().trim().min(1).max(32).nullable().optional(),
  roleIds: z.array(Id).max(50).optional(),
});
export type UpdateMemberBody = z.infer<typeof UpdateMemberBody>;

/** Windows of message history a ban may delete, as Discord offers them: none, the last hour, day or 7 days. */
export const DELETE_MESSAGE_SECONDS = [0, 3600, 86_400, 604_800] as const;
export const DeleteMessageSeconds = z.literal(DELETE_MESSAGE_SECONDS);

export const BanBody = z.strictObject({
  reason: safeText().max(512).optional(),
  /** Also delete the banned user's messages in this guild from the last N seconds (0 = none, the default). */
  deleteMessageSeconds: DeleteMessageSeconds.optional(),
});
export type BanBody = z.infer<typeof BanBody>;

/** Purge of one user's messages in a guild: all of them, or those of the last `sinceSeconds`. */
export const PurgeMessagesQuery = z.strictObject({
  sinceSeconds: z.coerce
    .number()
    .int()
    .min(1)
    .max(100 * 365 * 86_400)
    .optional(),
});
export type PurgeMessagesQuery = z.infer<typeof PurgeMessagesQuery>;
export const PurgeMessagesResult = z.object({ deleted: z.number().int().min(0) });
export type PurgeMessagesResult = z.infer<typeof PurgeMessagesResult>;
export const Ban = z.object({ guildId: Id, user: PublicUser, reason: z.string().nullable(), createdAt: IsoDate });
export type Ban = z.infer<typeof Ban>;

export const InviteCode = z.string().regex(/^[A-Za-z0-9_-]{6,32}$/, 'malformed invite code');
export const InviteCodeParams = z.strictObject({ code: InviteCode });

export const CreateInviteBody = z.strictObject({
  /** Seconds until the invite expires; 0 = never. Default one day. */
  maxAgeSeconds: z
    .number()
    .int()
    .min(0)
    .max(60 * 60 * 24 * 30)
    .default(86_400),
  /** 0 = unlimited. */
  maxUses: z.number().int().min(0).max(1000).default(0),
});
export type CreateInviteBody = z.infer<typeof CreateInviteBody>;

export const Invite = z.object({
  code: z.string(),
  guildId: Id,
  inviterId: Id,
  maxUses: z.number().int(),
  uses: z.number().int(),
  expiresAt: IsoDate.nullable(),
  createdAt: IsoDate,
});
export type Invite = z.infer<typeof Invite>;

/** What anyone holding the code may see before joining. */
export const InvitePreview = z.object({
  code: z.string(),
  guild: z.object({ id: Id, name: z.string(), memberCount: z.number().int() }),
  inviter: PublicUser.nullable(),
  expiresAt: IsoDate.nullable(),
});
export type InvitePreview = z.infer<typeof InvitePreview>;
