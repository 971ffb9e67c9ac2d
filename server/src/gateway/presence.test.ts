import { describe, expect, it } from 'vitest';
import { aggregatePresence } from './presence';

describe('presence aggregation', () => {
  it('when a user has no connected session, then they are offline whatever they chose', () => {
    for (const chosen of ['online', 'idle', 'dnd', 'invisible'] as const) expect(aggregatePresence(chosen, [])).toBe('offline');
  });
  it('when the chosen status is online, then one active session makes the user online and all idle sessions make them idle', () => {
    expect(aggregatePresence('online', ['idle', 'online'])).toBe('online');
    expect(aggregatePresence('online', ['idle', 'idle'])).toBe('idle');
  });
  it('when the chosen status is dnd, idle or invisible, then session activity does not change what others see', () => {
    expect(aggregatePresence('dnd', ['idle', 'idle'])).toBe('dnd');
    expect(aggregatePresence('dnd', ['online'])).toBe('dnd');
    expect(aggregatePresence('idle', ['online'])).toBe('idle');
    expect(aggregatePresence('invisible', ['online', 'online'])).toBe('offline');
  });
});
