/** Discord's mute choices: a few durations, or until I turn it back on (muteUntil null). */
export const MUTE_CHOICES: { label: string; ms: number | null }[] = [
  { label: 'For 15 minutes', ms: 15 * 60_000 },
  { label: 'For 1 hour', ms: 60 * 60_000 },
  { label: 'For 8 hours', ms: 8 * 60 * 60_000 },
  { label: 'For 24 hours', ms: 24 * 60 * 60_000 },
  { label: 'Until I turn it back on', ms: null },
];

export function muteUntil(ms: number | null, now: number): string | null {
  return ms === null ? null : new Date(now + ms).toISOString();
}

/** "Muted until 14:05" / "Muted" for a mute in force. */
export function describeMute(until: string | null): string {
  if (until === null) return 'Muted until you turn it back on';
  return `Muted until ${new Date(until).toLocaleString(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' })}`;
}
