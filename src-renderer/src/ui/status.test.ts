import { describe, expect, it } from 'vitest';
import { selfDisplayStatus } from './status';

describe('own status as shown to oneself', () => {
  it('when invisible, then one sees Invisible although others see offline', () => {
    expect(selfDisplayStatus('invisible', 'offline')).toBe('invisible');
    expect(selfDisplayStatus('invisible', undefined)).toBe('invisible');
  });
  it("when online, then the server's aggregate is shown (idle once every session is idle), and the choice until it arrives", () => {
    expect(selfDisplayStatus('online', 'idle')).toBe('idle');
    expect(selfDisplayStatus('online', undefined)).toBe('online');
    expect(selfDisplayStatus('dnd', 'offline')).toBe('dnd');
  });
});
