import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../clock';
import { AppError } from '../../errors';

/** How long a file ticket works: long enough to start playing or downloading, short enough not to matter if it leaks. */
export const FILE_TICKET_TTL_SECONDS = 300;

const ID = /^[0-9a-f]{24}$/;

export type FileTickets = ReturnType<typeof createFileTickets>;

/**
 * Short-lived tickets for a recording's file, for the one client that cannot send `Authorization`: the browser's own
 * `<audio>` element (and a download link). A ticket is `<userId>.<expiry>.<HMAC>` where the MAC covers the recording
 * id, the user and the expiry, so it opens exactly one recording, for one user, for FILE_TICKET_TTL_SECONDS. The route
 * that takes it re-checks that user's permission on every request, so losing RECORD (or the membership) ends access
 * at once, ticket or not.
 *
 * Why not a cookie: the API is Bearer-only and the desktop client talks to it cross-origin; a cookie would need
 * SameSite=None plus CSRF defences for every route. Why not the access token in the URL: it opens everything for 15
 * minutes and URLs end up in histories and logs (ours never log the query string; the file response says no-referrer).
 *
 * The key is derived from JWT_SECRET with its own label, so a ticket is never a valid access token or the reverse.
 */
export function createFileTickets(
  secret: string,
  clock: Clock,
  /**
   * Another use of the same scheme (attachments: one ticket per channel) takes its own label, so its tickets never
   * open a recording or the reverse. `roundSeconds` rounds the expiry up to a multiple of it, so the tickets issued
   * within one such window are the same string and the URLs holding them stay cacheable.
   */
  options: { label?: string; ttlSeconds?: number; roundSeconds?: number } = {},
) {
  const key = createHmac('sha256', secret)
    .update(options.label ?? 'parley:recording-file-ticket:v1')
    .digest();
  const ttl = options.ttlSeconds ?? FILE_TICKET_TTL_SECONDS;
  const round = options.roundSeconds ?? 1;
  const mac = (recordingId: string, userId: string, exp: number): Buffer =>
    createHmac('sha256', key).update(`${recordingId}.${userId}.${exp}`).digest();

  return {
    issue(userId: string, recordingId: string): { ticket: string; expiresAt: Date } {
      const exp = Math.ceil((Math.floor(clock.now().getTime() / 1000) + ttl) / round) * round;
      return { ticket: `${userId}.${exp}.${mac(recordingId, userId, exp).toString('base64url')}`, expiresAt: new Date(exp * 1000) };
    },

    /** The user a ticket was issued to, when it is genuine, for this recording and unexpired; else 401. */
    verify(ticket: string, recordingId: string): string {
      const [userId, expText, sig, ...rest] = ticket.split('.');
      const exp = Number(expText);
      if (rest.length || !userId || !ID.test(userId) || !Number.isSafeInteger(exp) || !sig)
        throw new AppError('UNAUTHENTICATED', 'Invalid file ticket');
      const given = Buffer.from(sig, 'base64url');
      const expected = mac(recordingId, userId, exp);
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        throw new AppError('UNAUTHENTICATED', 'Invalid file ticket');
      if (exp * 1000 <= clock.now().getTime()) throw new AppError('TOKEN_EXPIRED', 'File ticket expired');
      return userId;
    },
  };
}
