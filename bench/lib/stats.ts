/** Pure helpers for the benches' figures (unit-tested in tests/unit/bench-stats.test.ts). */

/** The p-th percentile (nearest rank) of `values`, rounded to 2 decimals; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round((sorted[index] ?? Number.NaN) * 100) / 100;
}

/** The median of `values` (the upper one of the middle two); undefined for no values. */
export function median(values: readonly number[]): number | undefined {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

/**
 * Ids the server acknowledged (answered 2xx with) that the channel's history does not hold: each one is a message a
 * sender was told was stored and that nobody will ever read. An id acknowledged twice (a nonce retried) counts once.
 */
export function lostIds(acknowledged: Iterable<string>, stored: Iterable<string>): string[] {
  const held = new Set(stored);
  return [...new Set(acknowledged)].filter((id) => !held.has(id));
}

/** Requests per second over `elapsedMs`, rounded; 0 when no time passed. */
export function ratePerSecond(count: number, elapsedMs: number): number {
  return elapsedMs > 0 ? Math.round((count * 1000) / elapsedMs) : 0;
}
