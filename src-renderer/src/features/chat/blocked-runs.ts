/** A run of consecutive messages by blocked users: shown as one "N blocked messages" bar, as Discord does. */
export interface BlockedRun {
  /** Index of the run's first message; its id names the run (what "Show" reveals). */
  start: number;
  count: number;
  key: string;
}

type Row = { id: string; type?: string; author: { id: string } };

/**
 * Per message: the run of blocked messages it belongs to, or null for a message shown as usual. Only what they wrote
 * is hidden: a notice the server posted about them ("joined the server") stays.
 */
export function blockedRuns(messages: readonly Row[], blocked: ReadonlySet<string>): (BlockedRun | null)[] {
  const out: (BlockedRun | null)[] = [];
  if (blocked.size === 0) return messages.map(() => null);
  let run: BlockedRun | null = null;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i] as Row;
    if (!blocked.has(m.author.id) || (m.type !== undefined && m.type !== 'default')) {
      run = null;
      out.push(null);
      continue;
    }
    if (!run) run = { start: i, count: 0, key: m.id };
    run.count += 1;
    out.push(run);
  }
  return out;
}
