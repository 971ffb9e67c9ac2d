import { z } from 'zod';
import { Id } from './common';

/** Distinct emoji one message may carry (Discord's limit). */
export const MAX_REACTION_EMOJI = 20;
/** UTF-16 code units of one reaction emoji: the longest RGI sequences (family ZWJ sequences, tag flags) fit. */
export const MAX_EMOJI_LENGTH = 32;

const SKIN_OR_VS = '(?:[\\u{1F3FB}-\\u{1F3FF}]|\\u{FE0F})?';
const PICTO = `\\p{Extended_Pictographic}${SKIN_OR_VS}`;
/**
 * One emoji: a pictograph (optionally skin-toned, ZWJ-joined with more, or followed by tag characters as in the England
 * flag), a regional-indicator flag pair, or a keycap (`1️⃣`). Not a full RGI check — the server stores what this
 * accepts as an opaque key — but enough to refuse text, markup and separators (`:` is in none of these).
 */
const EMOJI_RE = new RegExp(
  `^(?:${PICTO}(?:\\u{200D}${PICTO})*(?:[\\u{E0020}-\\u{E007E}]+\\u{E007F})?|\\p{Regional_Indicator}{2}|[0-9#*]\\u{FE0F}?\\u{20E3})$`,
  'u',
);

/** True when `s` is exactly one Unicode emoji grapheme, within the length cap. */
export function isReactionEmoji(s: string): boolean {
  if (s.length === 0 || s.length > MAX_EMOJI_LENGTH || !EMOJI_RE.test(s)) return false;
  const segments = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s)];
  return segments.length === 1;
}

/** The order of a message's reactions, on the server and in every client: by UTF-16 string order. */
export function compareEmoji(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const ReactionEmoji = z.string().refine(isReactionEmoji, 'must be one Unicode emoji');

/** One emoji's reactions on a message, as the asking user sees them. */
export const MessageReaction = z.object({
  emoji: z.string(),
  count: z.number().int().min(1),
  /** Whether the asking user is among them. */
  me: z.boolean(),
});
export type MessageReaction = z.infer<typeof MessageReaction>;

export const ReactionParams = z.strictObject({ channelId: Id, messageId: Id, emoji: ReactionEmoji });
export const UserReactionParams = z.strictObject({ channelId: Id, messageId: Id, emoji: ReactionEmoji, userId: Id });

/** Who reacted with one emoji, by user id ascending; `after` = the last user id of the previous page. */
export const ReactionUsersQuery = z.strictObject({
  after: Id.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});
export type ReactionUsersQuery = z.infer<typeof ReactionUsersQuery>;

/** Gateway: someone added (`MESSAGE_REACTION_ADD`) or removed (`MESSAGE_REACTION_REMOVE`) one reaction. */
export const MessageReactionEvent = z.object({ guildId: Id.nullable(), channelId: Id, messageId: Id, userId: Id, emoji: z.string() });
export type MessageReactionEvent = z.infer<typeof MessageReactionEvent>;
