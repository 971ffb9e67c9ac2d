import { z } from 'zod';
import { ChannelIdParams, Id, IsoDate } from './common';
import { defineRoute } from './contract';
import { PublicUser } from './users';
import { safeName } from './text';

/**
 * Direct messages (issue 16, item 2): 1:1 DMs and group DMs, as Discord has them.
 *
 * A private channel is a channel like a guild's text channel (same `channels` collection, same message routes, history,
 * edits, reactions, pins, typing, read states and gap fill) that belongs to no guild: its messages carry
 * `guildId: null`, and its members are its recipients instead of a guild's members with roles. Every recipient may
 * read, send, react, attach and pin; only the author deletes or edits a message (no moderators in a DM).
 *
 * Who may open a DM with whom follows the relationships rules (src-shared/api/relationships.ts): a block refuses it
 * both ways, and a user whose privacy says `friends` only accepts friends. A 1:1 DM between two users is one channel
 * for ever (opening it again returns it); a group DM is new each time.
 *
 * Events reach the recipients' sessions: PRIVATE_CHANNEL_CREATE when a channel appears in my list (opened, I was
 * added, or a message arrived in a 1:1 DM I had closed), PRIVATE_CHANNEL_UPDATE (name, recipients), and
 * PRIVATE_CHANNEL_DELETE when it leaves my list (I left, was removed, or closed it). Messages come as in guilds
 * (MESSAGE_CREATE … with `guildId: null`).
 */
export const PrivateChannelType = z.enum(['dm', 'group_dm']);
export type PrivateChannelType = z.infer<typeof PrivateChannelType>;

/** People in a group DM, me included (Discord's limit). */
export const MAX_GROUP_DM_MEMBERS = 10;

export const PrivateChannel = z.object({
  id: Id,
  type: PrivateChannelType,
  /** A group's name; null for a 1:1 DM and an unnamed group (the client lists the recipients' names). */
  name: z.string().nullable(),
  /** Who manages a group (renames, removes people); null for a 1:1 DM. Passes on to another member when they leave. */
  ownerId: Id.nullable(),
  /** Everyone in the channel except me. */
  recipients: z.array(PublicUser),
  /** Newest message's id (null: none yet): lists sort by it, and unread state compares with it. */
  lastMessageId: Id.nullable(),
  createdAt: IsoDate,
});
export type PrivateChannel = z.infer<typeof PrivateChannel>;

const GroupName = safeName().trim().min(1).max(100);

/** One recipient: that 1:1 DM (created the first time). Two or more: a new group DM with me and them. */
export const OpenPrivateChannelBody = z.strictObject({
  recipientIds: z
    .array(Id)
    .min(1)
    .max(MAX_GROUP_DM_MEMBERS - 1)
    .refine((ids) => new Set(ids).size === ids.length, 'must not repeat a user'),
  /** Groups only. */
  name: GroupName.optional(),
});
export type OpenPrivateChannelBody = z.infer<typeof OpenPrivateChannelBody>;

export const UpdatePrivateChannelBody = z.strictObject({ name: GroupName.nullable() });
export type UpdatePrivateChannelBody = z.infer<typeof UpdatePrivateChannelBody>;

export const PrivateChannelRecipientParams = z.strictObject({ channelId: Id, userId: Id });
export const PrivateChannelDeleteEvent = z.object({ id: Id });

export const privateChannelRoutes = {
  listPrivateChannels: defineRoute({
    tag: 'private-channels',
    method: 'get',
    path: '/users/@me/channels',
    summary: 'My DMs and group DMs, most recent activity first',
    auth: true,
    response: z.object({ items: z.array(PrivateChannel) }),
  }),
  openPrivateChannel: defineRoute({
    tag: 'private-channels',
    method: 'post',
    path: '/users/@me/channels',
    summary: 'Open the 1:1 DM with one user (the same channel every time), or create a group DM with several',
    auth: true,
    body: OpenPrivateChannelBody,
    response: PrivateChannel,
    errors: {
      '400': 'VALIDATION_FAILED: a recipient is me, or a name for a 1:1 DM',
      '403': 'FORBIDDEN: a recipient does not accept DMs from me (privacy or a block; the same answer whatever the reason)',
      '404': 'NOT_FOUND: no such user',
    },
  }),
  updatePrivateChannel: defineRoute({
    tag: 'private-channels',
    method: 'patch',
    path: '/users/@me/channels/:channelId',
    summary: 'Rename a group DM (any member, as in Discord); null clears the name',
    auth: true,
    params: ChannelIdParams,
    body: UpdatePrivateChannelBody,
    response: PrivateChannel,
    errors: { '400': 'WRONG_CHANNEL_TYPE: a 1:1 DM has no name', '404': 'NOT_FOUND: no such channel of mine' },
  }),
  addPrivateChannelRecipient: defineRoute({
    tag: 'private-channels',
    method: 'put',
    path: '/users/@me/channels/:channelId/recipients/:userId',
    summary: 'Add someone to a group DM (any member; they must accept DMs from me); adding a member changes nothing',
    auth: true,
    params: PrivateChannelRecipientParams,
    response: PrivateChannel,
    errors: {
      '400': 'WRONG_CHANNEL_TYPE: a 1:1 DM',
      '403': 'FORBIDDEN: they do not accept DMs from me',
      '404': 'NOT_FOUND: no such channel of mine, or no such user',
      '409': `CONFLICT: the group already has ${MAX_GROUP_DM_MEMBERS} members`,
    },
  }),
  removePrivateChannelRecipient: defineRoute({
    tag: 'private-channels',
    method: 'delete',
    path: '/users/@me/channels/:channelId/recipients/:userId',
    summary: "Remove someone from a group DM (the group's owner only)",
    auth: true,
    params: PrivateChannelRecipientParams,
    status: 204,
    errors: {
      '400': 'WRONG_CHANNEL_TYPE: a 1:1 DM',
      '403': "FORBIDDEN: I am not the group's owner",
      '404': 'NOT_FOUND: no such channel of mine, or they are not in it',
    },
  }),
  closePrivateChannel: defineRoute({
    tag: 'private-channels',
    method: 'delete',
    path: '/users/@me/channels/:channelId',
    summary: 'Leave a group DM, or close a 1:1 DM (it leaves my list and comes back with the next message; its history stays)',
    auth: true,
    params: ChannelIdParams,
    status: 204,
    errors: { '404': 'NOT_FOUND: no such channel of mine' },
  }),
} as const;
