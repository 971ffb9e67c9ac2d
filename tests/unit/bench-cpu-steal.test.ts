import { describe, expect, it } from 'vitest';
import { busyPercent, parseCpuLine, stealPercent } from '../../bench/lib/cpu-steal';

describe('bench CPU steal figure', () => {
  const stat = (steal: number, idle: number) =>
    `cpu  100 0 50 ${idle} 0 0 0 ${steal} 0 0\ncpu0 50 0 25 ${idle / 2} 0 0 0 ${steal / 2} 0 0\nintr 1 2\n`;

  it('when /proc/stat is read, then the aggregate cpu line gives the eight counters up to steal', () => {
    expect(parseCpuLine(stat(7, 1000))).toEqual([100, 0, 50, 1000, 0, 0, 0, 7]);
    expect(parseCpuLine('intr 1 2\n')).toBeNull();
    expect(parseCpuLine('cpu  1 2 x\n')).toBeNull();
  });

  it('when two readings are compared, then steal is its share of all time that passed', () => {
    // +100 steal, +800 idle, +100 user: 10 % of 1000 ticks.
    expect(stealPercent([0, 0, 0, 0, 0, 0, 0, 0], [100, 0, 0, 800, 0, 0, 0, 100])).toBe(10);
    expect(stealPercent(parseCpuLine(stat(7, 1000)), parseCpuLine(stat(7, 1300)))).toBe(0);
    expect(stealPercent(null, [1, 0, 0, 0, 0, 0, 0, 0])).toBeNull();
    expect(stealPercent([1, 0, 0, 0, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0, 0, 0])).toBeNull();
  });

  it('when two readings are compared, then busy is the share of time neither idle nor waiting for I/O', () => {
    // +300 user, +100 system, +500 idle, +100 iowait: 40 % busy.
    expect(busyPercent([0, 0, 0, 0, 0, 0, 0, 0], [300, 0, 100, 500, 100, 0, 0, 0])).toBe(40);
    // Steal counts as busy: the core wanted to run.
    expect(busyPercent([0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 900, 0, 0, 0, 100])).toBe(10);
    expect(busyPercent(null, [1, 0, 0, 0, 0, 0, 0, 0])).toBeNull();
    expect(busyPercent([1, 0, 0, 0, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0, 0, 0])).toBeNull();
  });
});
