import { describe, expect, it } from 'vitest';
import {
  createImportIdGenerator,
  createMessageIdGenerator,
  formatMessageId,
  instanceOfMessageId,
  MESSAGE_ID_PATTERN,
  messageIdFloor,
  timeOfMessageId,
} from './message-ids';

describe('message ids', () => {
  it('when ids are made, then they are 24 hex digits carrying the time and the instance', () => {
    const ids = createMessageIdGenerator(0xabc);
    const { id, at } = ids.next(Date.UTC(2026, 11, 5, 8, 0, 0, 123));
    expect(id).toMatch(MESSAGE_ID_PATTERN);
    expect(at.toISOString()).toBe('2026-12-05T08:00:00.123Z');
    expect(timeOfMessageId(id).getTime()).toBe(at.getTime());
    expect(instanceOfMessageId(id)).toBe(0xabc);
  });

  it('when many ids are made in one millisecond or while the clock steps back, then each sorts after the one before', () => {
    const ids = createMessageIdGenerator(7);
    const times = [1_000, 1_000, 1_000, 999, 500, 1_001, 1_001, 2_000];
    const made = times.map((t) => ids.next(t));
    for (let i = 1; i < made.length; i++) {
      expect(made[i]!.id > made[i - 1]!.id).toBe(true);
      expect(made[i]!.at.getTime()).toBeGreaterThanOrEqual(made[i - 1]!.at.getTime());
    }
    // The clock stepped back: the ids stay at the last time seen instead of going back with it.
    expect(made[4]!.at.getTime()).toBe(1_000);
  });

  it("when a millisecond's sequence is used up, then the generator moves on to the next millisecond", () => {
    const ids = createMessageIdGenerator(1, 3);
    let last = ids.next(5_000);
    for (let i = 0; i < 4; i++) last = ids.next(5_000);
    expect(last.at.getTime()).toBe(5_001);
    expect(last.id).toBe(formatMessageId(5_001, 1, 0));
  });

  it('when two instances make ids at the same moment, then the ids differ', () => {
    const [a, b] = [createMessageIdGenerator(1), createMessageIdGenerator(2)];
    const at = Date.now();
    expect(a.next(at).id).not.toBe(b.next(at).id);
  });

  it('when an import hands in times out of order, then every id is still unique and carries its own time', () => {
    const ids = createImportIdGenerator(9);
    const made = [3_000, 1_000, 3_000, 1_000, 2_000].map((t) => ids.next(t));
    expect(new Set(made.map((m) => m.id)).size).toBe(5);
    expect(made.map((m) => m.at.getTime())).toEqual([3_000, 1_000, 3_000, 1_000, 2_000]);
  });

  it('when a time range is asked for, then the floor id sorts before every id of that millisecond and after every earlier one', () => {
    const ids = createMessageIdGenerator(0xffff);
    const earlier = ids.next(9_999).id;
    const same = ids.next(10_000).id;
    const floor = messageIdFloor(new Date(10_000));
    expect(earlier < floor).toBe(true);
    expect(floor <= same).toBe(true);
  });

  it('when the instance is out of range, then the generator refuses it', () => {
    expect(() => createMessageIdGenerator(0x1000000)).toThrow(RangeError);
    expect(() => createMessageIdGenerator(-1)).toThrow(RangeError);
  });
});
