import { z } from 'zod';
import { Attachment, MAX_ATTACHMENTS_PER_MESSAGE } from './attachments';
import { Id, IsoDate } from './common';
import { MessageReaction } from './reactions';
import { PublicUser } from './users';
import { safeText } from './text';

export const MessageContent = safeText()
  .min(1)
  .max(4000)
  .refine((s) => s.trim().length > 0, 'must not be blank');

/** `default`: written by a member. Others are posted by the server (Discord's system messages); `author` is who it is about. */
export const MessageType = z.enum(['default', 'member_join']);
export type MessageType = z.infer<typeof MessageType>;

/**
 * What a reply shows of the message it answers: its author and the start of its text; both null once that message
 * was deleted ("Original message was deleted").
 */
export const MessageReference = z.object({
  messageId: Id,
  author: PublicUser.nullable(),
  excerpt: z.string().nullable(),
});
export type MessageReference = z.infer<typeof MessageReference>;
/** Characters of the original a reply's quote line carries. */
export const REPLY_EXCERPT_LENGTH = 120;

/**
 * A link preview the server made from a page's Open Graph / Twitter card / `<title>` data (never from the client).
 * No image: the server does not fetch or proxy pictures of arbitrary pages, and the client never loads remote ones.
 */
export const Embed = z.object({
  /** The page the preview is of (after redirects); http or https. */
  url: z.string(),
  title: z.string().nullable(),
  description: z.string().nullable(),
  siteName: z.string().nullable(),
});
export type Embed = z.infer<typeof Embed>;
/** Links of one message the server previews (the first ones, in order). */
export const MAX_EMBEDS = 5;

export const Message = z.object({
  id: Id,
  channelId: Id,
  /** null: a message of a private channel (DM). */
  guildId: Id.nullable(),
  author: PublicUser,
  content: z.string(),
  /** Users mentioned as `<@userId>` who are members of the guild. */
  mentions: z.array(PublicUser),
  /** Role ids mentioned as `<@&roleId>` that count: the role is mentionable, or the author had MANAGE_ROLES. */
  mentionRoles: z.array(Id),
  type: MessageType,
  /** Echo of the client's nonce, so an optimistic message can be matched with the real one. */
  nonce: z.string().nullable(),
  createdAt: IsoDate,
  editedAt: IsoDate.nullable(),
  /** Each emoji's count and whether the asking user reacted with it (gateway copies say `me: false`). */
  reactions: z.array(MessageReaction),
  /** The message this one replies to; null when it is not a reply. */
  reference: MessageReference.nullable(),
  /** Pinned in its channel (MANAGE_MESSAGES pins). */
  pinned: z.boolean(),
  /** Link previews, filled in by the server shortly after a send or edit (a MESSAGE_UPDATE brings them). */
  embeds: z.array(Embed),
  /** The author or a moderator removed the previews: none are made again, also after edits. */
  suppressEmbeds: z.boolean(),
  /** Files sent with the message, in the order sent (a message may have attachments and no text). */
  attachments: z.array(Attachment),
});

/** Pins one channel can hold (Discord's limit). */
export const MAX_PINS = 50;
/** Gateway CHANNEL_PINS_UPDATE: a message of the channel was pinned or unpinned. */
export const ChannelPinsUpdateEvent = z.object({ guildId: Id.nullable(), channelId: Id, messageId: Id, pinned: z.boolean() });
export type Message = z.infer<typeof Message>;

export const SendMessageBody = z
  .strictObject({
    /** May be empty when the message carries attachments. */
    content: safeText().max(4000).default(''),
    /** Client-chosen id of this send; retrying with the same nonce returns the first message instead of a duplicate. */
    nonce: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_-]+$/)
      .optional(),
    /** Reply to this message of the same channel (400 INVALID_REPLY when it is not there). */
    replyTo: Id.optional(),
    /** With replyTo: whether the reply pings the original's author (counted in `mentions`). Default true, as Discord. */
    mentionReplied: z.boolean().optional(),
    /** Pending attachments this user uploaded to this channel (uploadAttachment), at most 10, each sent once. */
    attachmentIds: z.array(Id).max(MAX_ATTACHMENTS_PER_MESSAGE).optional(),
  })
  .refine((b) => b.content.trim().length > 0 || (b.attachmentIds?.length ?? 0) > 0, {
    path: ['content'],
    message: 'must not be blank (unless the message has attachments)',
  })
  .refine((b) => new Set(b.attachmentIds ?? []).size === (b.attachmentIds ?? []).length, {
    path: ['attachmentIds'],
    message: 'must not repeat an attachment',
  });
export type SendMessageBody = z.infer<typeof SendMessageBody>;

export const EditMessageBody = z.strictObject({ content: MessageContent });

/** At most one of before/after/around. Results are always newest first. */
export const HistoryQuery = z
  .strictObject({
    before: Id.optional(),
    after: Id.optional(),
    around: Id.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
  })
  .refine((q) => [q.before, q.after, q.around].filter((v) => v !== undefined).length <= 1, {
    message: 'use at most one of before, after, around',
  });
export type HistoryQuery = z.infer<typeof HistoryQuery>;

export const MessageParams = z.strictObject({ channelId: Id, messageId: Id });
export const PinParams = MessageParams;

/** One earlier version of a message: its content, and when an edit replaced it. */
export const MessageEdit = z.object({ content: z.string(), replacedAt: IsoDate });
export type MessageEdit = z.infer<typeof MessageEdit>;
/** Earlier versions of a message, newest first (moderators only). */
export const MessageEdits = z.object({ items: z.array(MessageEdit) });
