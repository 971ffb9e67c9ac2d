import { z } from 'zod';
import { Id, IsoDate } from './common';
import { PublicUser, User } from './users';

/** Deleting one's account asks for the current password again, whatever the access token says. */
export const DeleteMeBody = z.strictObject({ password: z.string().min(1).max(256) });
export type DeleteMeBody = z.infer<typeof DeleteMeBody>;

export const ExportedMembership = z.object({
  guildId: Id,
  guildName: z.string(),
  owner: z.boolean(),
  nick: z.string().nullable(),
  /** The roles held, without @everyone. */
  roles: z.array(z.object({ id: Id, name: z.string() })),
  joinedAt: IsoDate,
});
export type ExportedMembership = z.infer<typeof ExportedMembership>;

export const ExportedMessage = z.object({
  id: Id,
  /** null: a message in a DM. */
  guildId: Id.nullable(),
  channelId: Id,
  content: z.string(),
  mentions: z.array(PublicUser),
  createdAt: IsoDate,
  editedAt: IsoDate.nullable(),
});
export type ExportedMessage = z.infer<typeof ExportedMessage>;

/**
 * `GET /users/@me/export`: everything the server holds about the caller that is theirs: the profile, their guild
 * memberships, and every message they wrote (oldest first, in guilds that still exist). Served as a JSON attachment.
 */
export const UserExport = z.object({
  format: z.literal('parley-user-export'),
  version: z.literal(1),
  exportedAt: IsoDate,
  user: User,
  memberships: z.array(ExportedMembership),
  messages: z.array(ExportedMessage),
});
export type UserExport = z.infer<typeof UserExport>;
