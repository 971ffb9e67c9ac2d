import { describe, expect, it } from 'vitest';
import { applyReaction } from './reactions';

describe('applyReaction', () => {
  it('when someone else adds a new emoji, then it appears with count 1, not mine, in emoji order', () => {
    expect(applyReaction([{ emoji: '😀', count: 1, me: true }], '👍', true, false)).toEqual([
      { emoji: '👍', count: 1, me: false },
      { emoji: '😀', count: 1, me: true },
    ]);
  });
  it('when I add to an existing emoji, then the count rises and it is pressed; when I take it back, it is not', () => {
    const added = applyReaction([{ emoji: '👍', count: 1, me: false }], '👍', true, true);
    expect(added).toEqual([{ emoji: '👍', count: 2, me: true }]);
    expect(applyReaction(added, '👍', false, true)).toEqual([{ emoji: '👍', count: 1, me: false }]);
  });
  it('when the last reaction of an emoji goes, then the emoji goes; removing an unknown one changes nothing', () => {
    expect(applyReaction([{ emoji: '👍', count: 1, me: false }], '👍', false, false)).toEqual([]);
    expect(applyReaction([], '🎉', false, false)).toEqual([]);
  });
});
