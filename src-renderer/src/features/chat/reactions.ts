import type { MessageReaction } from '@shared/api/reactions';

/** The server's order (compareEmoji in src-shared/api/reactions.ts, which the client cannot load without zod). */
const compareEmoji = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * One user's reaction added or removed, applied to a message's reactions: counts change, `me` follows our own
 * reactions, an emoji at zero disappears, a new emoji takes its place in the server's order (compareEmoji).
 */
export function applyReaction(list: readonly MessageReaction[], emoji: string, added: boolean, byMe: boolean): MessageReaction[] {
  const at = list.findIndex((r) => r.emoji === emoji);
  if (at < 0) return added ? [...list, { emoji, count: 1, me: byMe }].sort((a, b) => compareEmoji(a.emoji, b.emoji)) : [...list];
  const cur = list[at]!;
  const next: MessageReaction = { emoji, count: cur.count + (added ? 1 : -1), me: byMe ? added : cur.me };
  return next.count <= 0 ? list.filter((_, i) => i !== at) : list.map((r, i) => (i === at ? next : r));
}
