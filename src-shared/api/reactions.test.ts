import { describe, expect, it } from 'vitest';
import { isReactionEmoji } from './reactions';

describe('isReactionEmoji', () => {
  it('accepts single emoji: plain, skin-toned, ZWJ families, flags, keycaps and tag flags', () => {
    for (const e of ['👍', '❤️', '👍🏽', '👩‍👩‍👧', '🇫🇷', '1️⃣', '🏴󠁧󠁢󠁥󠁮󠁧󠁿', '🫡']) expect(isReactionEmoji(e), e).toBe(true);
  });
  it('refuses text, several emoji, markup, separators, zero-width tricks and over-long input', () => {
    for (const s of ['', 'a', '1', '👍👍', '👍 ', ':+1:', '<script>', '👍:x', '\u200b', '\u202e👍', '🇫', '👍'.repeat(20)])
      expect(isReactionEmoji(s), JSON.stringify(s)).toBe(false);
  });
});
