import { describe, expect, it } from 'vitest';
import { lostIds, median, percentile, ratePerSecond } from '../../bench/lib/stats';

describe('bench figures', () => {
  it('when a percentile is asked, then it is the nearest-rank value, whatever the input order', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, shuffled order does not matter
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([3.14159], 99)).toBe(3.14);
    expect(percentile([], 50)).toBeNaN();
    expect(values[0]).toBe(100); // not sorted in place
  });

  it('when a median is asked, then it is the middle value (the upper of two)', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(3);
    expect(median([])).toBeUndefined();
  });

  it('when every acknowledged id is in the history, then nothing is lost', () => {
    expect(lostIds(['a', 'b'], ['c', 'b', 'a'])).toEqual([]);
    expect(lostIds([], ['a'])).toEqual([]);
  });

  it('when acknowledged ids are missing from the history, then each is counted once', () => {
    expect(lostIds(['a', 'b', 'c', 'b'], ['a'])).toEqual(['b', 'c']);
    expect(lostIds(['a'], [])).toEqual(['a']);
  });

  it('when a rate is asked, then it is per second over the elapsed time', () => {
    expect(ratePerSecond(3000, 10_000)).toBe(300);
    expect(ratePerSecond(1, 3)).toBe(333);
    expect(ratePerSecond(5, 0)).toBe(0);
  });
});
