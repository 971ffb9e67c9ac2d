import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors';
import { createFileTickets, FILE_TICKET_TTL_SECONDS } from './file-tickets';

const USER = '6a0000000000000000000010';
const OTHER_USER = '6a0000000000000000000011';
const REC = '6a00000000000000000000a1';
const OTHER_REC = '6a00000000000000000000a2';

function harness() {
  let now = new Date('2026-01-01T00:00:00Z');
  const clock = { now: () => now };
  return { tickets: createFileTickets('s'.repeat(32), clock), advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof AppError ? err.code : 'not an AppError';
  }
};

describe('recording file tickets', () => {
  it('when a ticket is fresh and for this recording, then it names its user, until it expires', () => {
    const h = harness();
    const { ticket, expiresAt } = h.tickets.issue(USER, REC);
    expect(h.tickets.verify(ticket, REC)).toBe(USER);
    expect(expiresAt.toISOString()).toBe(new Date(Date.parse('2026-01-01T00:00:00Z') + FILE_TICKET_TTL_SECONDS * 1000).toISOString());
    h.advance(FILE_TICKET_TTL_SECONDS * 1000 - 1000);
    expect(h.tickets.verify(ticket, REC)).toBe(USER);
    h.advance(1000);
    expect(code(() => h.tickets.verify(ticket, REC))).toBe('TOKEN_EXPIRED');
  });

  it('when a ticket is used for another recording, altered, or made with another secret, then it is refused', () => {
    const h = harness();
    const { ticket } = h.tickets.issue(USER, REC);
    expect(code(() => h.tickets.verify(ticket, OTHER_REC))).toBe('UNAUTHENTICATED');
    const [, exp, sig] = ticket.split('.');
    expect(code(() => h.tickets.verify(`${OTHER_USER}.${exp}.${sig}`, REC))).toBe('UNAUTHENTICATED');
    expect(code(() => h.tickets.verify(`${USER}.${Number(exp) + 3600}.${sig}`, REC))).toBe('UNAUTHENTICATED');
    const foreign = createFileTickets('x'.repeat(32), { now: () => new Date('2026-01-01T00:00:00Z') }).issue(USER, REC).ticket;
    expect(code(() => h.tickets.verify(foreign, REC))).toBe('UNAUTHENTICATED');
    for (const junk of ['', 'abc', `${USER}.1.`, `${USER}.x.${sig}`, `${ticket}.extra`])
      expect(
        code(() => h.tickets.verify(junk, REC)),
        junk,
      ).toBe('UNAUTHENTICATED');
  });
});
