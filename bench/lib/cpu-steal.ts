import { readFileSync } from 'node:fs';

/**
 * CPU time the hypervisor gave to other guests while this VM's CPUs wanted to run ("steal", from /proc/stat), as a
 * percentage of all CPU time in a phase. The bench prints it next to each latency figure: on a shared VM, tail latency
 * follows it (history p99 ≈ 12 ms at 0 % steal, 19 ms at 14 %), so a figure read without it can mislead.
 */

/** The aggregate `cpu` line's counters: [user, nice, system, idle, iowait, irq, softirq, steal]. */
export function parseCpuLine(procStat: string): number[] | null {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return null;
  const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
  return fields.length === 8 && fields.every(Number.isFinite) ? fields : null;
}

/** Steal between two readings, in % of all time that passed, 1 decimal; null when nothing can be said. */
export function stealPercent(before: number[] | null, after: number[] | null): number | null {
  if (!before || !after) return null;
  const delta = after.map((v, i) => v - (before[i] ?? 0));
  const total = delta.reduce((a, b) => a + b, 0);
  if (total <= 0) return null;
  return Math.round((delta[7]! / total) * 1000) / 10;
}

/**
 * The share of all CPU time between two readings that was not idle (user, nice, system, irq, softirq and steal: every
 * core busy is 100), 1 decimal; null when nothing can be said. The media bench prints it: its bots, the SFU and the
 * receiver share this machine's cores, and its tails follow how busy they were.
 */
export function busyPercent(before: number[] | null, after: number[] | null): number | null {
  if (!before || !after) return null;
  const delta = after.map((v, i) => v - (before[i] ?? 0));
  const total = delta.reduce((a, b) => a + b, 0);
  if (total <= 0) return null;
  const idle = (delta[3] ?? 0) + (delta[4] ?? 0);
  return Math.round(((total - idle) / total) * 1000) / 10;
}

function readCpu(): number[] | null {
  try {
    return parseCpuLine(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return null; // not Linux
  }
}

/** Starts measuring; `stop()` gives the steal % since (null where /proc/stat is missing). */
export function stealMeter(): { stop(): number | null } {
  const before = readCpu();
  return { stop: () => stealPercent(before, readCpu()) };
}

/** Starts measuring; `stop()` gives the busy % since (see busyPercent; null where /proc/stat is missing). */
export function busyMeter(): { stop(): number | null } {
  const before = readCpu();
  return { stop: () => busyPercent(before, readCpu()) };
}
