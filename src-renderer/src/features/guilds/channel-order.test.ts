import { describe, expect, it } from 'vitest';
import type { Channel } from '../../api/types';
import { applyMoves, layoutOf, moveCategory, moveChannel, reorderMoves, TOP } from './channel-order';

const id = (n: number) => n.toString(16).padStart(24, '0');
const G = id(999);
const ch = (n: number, type: Channel['type'], position: number, parent: number | null = null): Channel => ({
  id: id(n),
  guildId: G,
  type,
  name: `c${n}`,
  parentId: parent === null ? null : id(parent),
  position,
  topic: null,
  bitrate: null,
  userLimit: null,
  overwrites: [],
  lastMessageId: null,
});

// top: 1, 2 · category 10: 11, 12 · category 20: 21
const channels = [
  ch(1, 'text', 0),
  ch(10, 'category', 0),
  ch(11, 'text', 0, 10),
  ch(2, 'voice', 1),
  ch(12, 'voice', 1, 10),
  ch(20, 'category', 1),
  ch(21, 'text', 0, 20),
];

describe('channel order', () => {
  it('when laid out, then categories keep their order and channels sit in their category', () => {
    expect(layoutOf(channels)).toEqual({
      categories: [id(10), id(20)],
      children: { [TOP]: [id(1), id(2)], [id(10)]: [id(11), id(12)], [id(20)]: [id(21)] },
    });
  });

  it('when a top-level channel moves into a category, then it gets that parent and the positions after it shift', () => {
    const layout = moveChannel(layoutOf(channels), id(1), id(20), 0);
    const moves = reorderMoves(channels, layout);
    expect(moves).toEqual([
      { id: id(2), position: 0 },
      { id: id(1), position: 0, parentId: id(20) },
      { id: id(21), position: 1 },
    ]);
    expect(layoutOf(applyMoves(channels, moves))).toEqual(layout);
  });

  it('when a channel leaves its category for the top level, then it is sent with parentId null', () => {
    const moves = reorderMoves(channels, moveChannel(layoutOf(channels), id(12), TOP, 2));
    expect(moves).toEqual([{ id: id(12), position: 2, parentId: null }]);
  });

  it('when a channel moves within its category, then only positions change', () => {
    expect(reorderMoves(channels, moveChannel(layoutOf(channels), id(12), id(10), 0))).toEqual([
      { id: id(12), position: 0 },
      { id: id(11), position: 1 },
    ]);
  });

  it('when categories are reordered, then only the categories move', () => {
    expect(reorderMoves(channels, moveCategory(layoutOf(channels), id(20), 0))).toEqual([
      { id: id(20), position: 0 },
      { id: id(10), position: 1 },
    ]);
  });

  it('when nothing moves, or an unknown id is moved, then nothing is sent', () => {
    expect(reorderMoves(channels, layoutOf(channels))).toEqual([]);
    expect(reorderMoves(channels, moveChannel(layoutOf(channels), id(77), id(10), 0))).toEqual([]);
  });
});
