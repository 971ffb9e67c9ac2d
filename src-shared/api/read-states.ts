import { z } from 'zod';
import { Id } from './common';

/**
 * Read state: the last message a user has read in a channel, kept on the server so every session of the user agrees
 * (Discord's read states). Sessions receive READ_STATE_UPDATE when another session acks or marks unread.
 */

/** Mention counts stop here (the badge shows "99+" style); counting further would read more than a badge needs. */
export const MENTION_COUNT_CAP = 99;

export const ReadState = z.object({
  channelId: Id,
  /** null: a private channel (DM). */
  guildId: Id.nullable(),
  /** Messages with an id above this are unread; null: never read (the whole channel is unread). */
  lastReadId: Id.nullable(),
  /**
   * Unread messages that mention the user or one of their roles (not their own messages), at most MENTION_COUNT_CAP.
   * In READY, counted for channels with unread messages; in events and ack answers, after the ack.
   */
  mentionCount: z.number().int().min(0).max(MENTION_COUNT_CAP),
});
export type ReadState = z.infer<typeof ReadState>;

export const AckBody = z.strictObject({
  /**
   * true: "mark unread" — the marker moves to just before this message, even backwards. Otherwise the marker only
   * moves forward (an ack of an older message than the stored one changes nothing).
   */
  manual: z.boolean().optional(),
});
export type AckBody = z.infer<typeof AckBody>;

/** Sent to every session of the user whose read state changed (the acking session may ignore its own). */
export const ReadStateUpdateEvent = ReadState.extend({
  /** true after a "mark unread" (the marker moved back); clients replace their marker instead of keeping the newer one. */
  manual: z.boolean(),
});
export type ReadStateUpdateEvent = z.infer<typeof ReadStateUpdateEvent>;
