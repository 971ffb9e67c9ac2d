/**
 * The picker's curated emoji: the ones people actually react with, each with search words. Loaded only with the
 * picker (EmojiPicker.tsx is lazy), so none of this is in the initial bundle. Any other emoji can still be used: the
 * server accepts every single Unicode emoji.
 */
export interface EmojiEntry {
  emoji: string;
  name: string;
  /** Extra search words. */
  keywords?: string;
}

export const EMOJI_GROUPS: { label: string; items: EmojiEntry[] }[] = [
  {
    label: 'Frequently used',
    items: [
      { emoji: '👍', name: 'thumbs up', keywords: 'yes like ok +1 agree' },
      { emoji: '👎', name: 'thumbs down', keywords: 'no dislike -1' },
      { emoji: '❤️', name: 'red heart', keywords: 'love like' },
      { emoji: '😂', name: 'face with tears of joy', keywords: 'laugh lol funny' },
      { emoji: '😮', name: 'face with open mouth', keywords: 'wow surprised' },
      { emoji: '😢', name: 'crying face', keywords: 'sad tear' },
      { emoji: '🎉', name: 'party popper', keywords: 'tada celebrate congrats' },
      { emoji: '🔥', name: 'fire', keywords: 'hot lit' },
      { emoji: '👀', name: 'eyes', keywords: 'look see watching' },
      { emoji: '✅', name: 'check mark button', keywords: 'done yes ok' },
      { emoji: '❌', name: 'cross mark', keywords: 'no wrong' },
      { emoji: '🙏', name: 'folded hands', keywords: 'please thanks pray' },
    ],
  },
  {
    label: 'Smileys',
    items: [
      { emoji: '😀', name: 'grinning face', keywords: 'smile happy' },
      { emoji: '😃', name: 'grinning face with big eyes', keywords: 'smile happy' },
      { emoji: '😄', name: 'grinning face with smiling eyes', keywords: 'smile happy' },
      { emoji: '😁', name: 'beaming face', keywords: 'grin' },
      { emoji: '😅', name: 'grinning face with sweat', keywords: 'phew' },
      { emoji: '🤣', name: 'rolling on the floor laughing', keywords: 'rofl lol' },
      { emoji: '🙂', name: 'slightly smiling face', keywords: 'smile' },
      { emoji: '😉', name: 'winking face', keywords: 'wink' },
      { emoji: '😊', name: 'smiling face with smiling eyes', keywords: 'blush happy' },
      { emoji: '😍', name: 'smiling face with heart-eyes', keywords: 'love' },
      { emoji: '🥰', name: 'smiling face with hearts', keywords: 'love' },
      { emoji: '😘', name: 'face blowing a kiss', keywords: 'kiss' },
      { emoji: '😎', name: 'smiling face with sunglasses', keywords: 'cool' },
      { emoji: '🤔', name: 'thinking face', keywords: 'hmm think' },
      { emoji: '🤨', name: 'face with raised eyebrow', keywords: 'skeptical' },
      { emoji: '😐', name: 'neutral face', keywords: 'meh' },
      { emoji: '🙄', name: 'face with rolling eyes', keywords: 'eyeroll' },
      { emoji: '😬', name: 'grimacing face', keywords: 'awkward yikes' },
      { emoji: '😴', name: 'sleeping face', keywords: 'zzz tired' },
      { emoji: '🤯', name: 'exploding head', keywords: 'mind blown' },
      { emoji: '🥳', name: 'partying face', keywords: 'party celebrate' },
      { emoji: '😭', name: 'loudly crying face', keywords: 'sob sad' },
      { emoji: '😡', name: 'pouting face', keywords: 'angry mad' },
      { emoji: '🤗', name: 'smiling face with open hands', keywords: 'hug' },
      { emoji: '🤫', name: 'shushing face', keywords: 'quiet secret' },
      { emoji: '🫡', name: 'saluting face', keywords: 'salute respect' },
      { emoji: '💀', name: 'skull', keywords: 'dead lol' },
      { emoji: '🤡', name: 'clown face', keywords: 'clown' },
    ],
  },
  {
    label: 'People',
    items: [
      { emoji: '👋', name: 'waving hand', keywords: 'hi hello bye wave' },
      { emoji: '👏', name: 'clapping hands', keywords: 'clap applause bravo' },
      { emoji: '🙌', name: 'raising hands', keywords: 'hooray celebrate' },
      { emoji: '💪', name: 'flexed biceps', keywords: 'strong' },
      { emoji: '🤝', name: 'handshake', keywords: 'deal agree' },
      { emoji: '👌', name: 'ok hand', keywords: 'okay perfect' },
      { emoji: '✌️', name: 'victory hand', keywords: 'peace' },
      { emoji: '🤞', name: 'crossed fingers', keywords: 'luck hope' },
      { emoji: '👉', name: 'backhand index pointing right', keywords: 'point' },
      { emoji: '🫶', name: 'heart hands', keywords: 'love' },
      { emoji: '🧠', name: 'brain', keywords: 'smart think' },
      { emoji: '🤷', name: 'person shrugging', keywords: 'shrug dunno' },
    ],
  },
  {
    label: 'Symbols and objects',
    items: [
      { emoji: '💯', name: 'hundred points', keywords: '100 perfect' },
      { emoji: '⭐', name: 'star', keywords: 'favourite' },
      { emoji: '✨', name: 'sparkles', keywords: 'shiny new' },
      { emoji: '⚡', name: 'high voltage', keywords: 'fast zap' },
      { emoji: '💡', name: 'light bulb', keywords: 'idea' },
      { emoji: '🚀', name: 'rocket', keywords: 'launch ship fast' },
      { emoji: '🐛', name: 'bug', keywords: 'bug insect' },
      { emoji: '🔧', name: 'wrench', keywords: 'fix tool' },
      { emoji: '📌', name: 'pushpin', keywords: 'pin' },
      { emoji: '🎮', name: 'video game', keywords: 'game controller' },
      { emoji: '🎵', name: 'musical note', keywords: 'music' },
      { emoji: '☕', name: 'hot beverage', keywords: 'coffee tea' },
      { emoji: '🍕', name: 'pizza', keywords: 'food' },
      { emoji: '🍺', name: 'beer mug', keywords: 'drink cheers' },
      { emoji: '🏆', name: 'trophy', keywords: 'win prize' },
      { emoji: '💔', name: 'broken heart', keywords: 'sad' },
      { emoji: '💜', name: 'purple heart', keywords: 'love' },
      { emoji: '💙', name: 'blue heart', keywords: 'love' },
      { emoji: '💚', name: 'green heart', keywords: 'love' },
      { emoji: '❓', name: 'question mark', keywords: 'what huh' },
      { emoji: '❗', name: 'exclamation mark', keywords: 'important' },
      { emoji: '⚠️', name: 'warning', keywords: 'caution' },
      { emoji: '🆗', name: 'ok button', keywords: 'okay' },
      { emoji: '🇺🇳', name: 'flag united nations', keywords: 'flag' },
    ],
  },
];

/** Entries whose name or keywords contain every word of `query` (case-insensitive); all of them for an empty query. */
export function searchEmoji(query: string): EmojiEntry[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const all = EMOJI_GROUPS.flatMap((g) => g.items);
  const unique = all.filter((e, i) => all.findIndex((x) => x.emoji === e.emoji) === i);
  if (words.length === 0) return unique;
  return unique.filter((e) => {
    const hay = `${e.name} ${e.keywords ?? ''}`;
    return words.every((w) => hay.includes(w));
  });
}
