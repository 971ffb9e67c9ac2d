import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { BOT_TOKEN_PREFIX, PERSONAL_TOKEN_PREFIX } from '@shared/api/bots';

export type ApiTokenKind = 'bot' | 'personal';

const PREFIX: Record<ApiTokenKind, string> = { bot: BOT_TOKEN_PREFIX, personal: PERSONAL_TOKEN_PREFIX };
/** `pbt_<24 hex id>_<43 base64url chars>`: the id finds the record, the secret (32 random bytes) proves possession. */
const SHAPE = /^(pbt|ppt)_([0-9a-f]{24})_([A-Za-z0-9_-]{43})$/;

export interface ParsedApiToken {
  kind: ApiTokenKind;
  id: string;
  secret: string;
}

/**
 * The stored form of a secret. Plain sha256 suffices: the secret is 256 random bits, so there is nothing to guess and no
 * need for a slow password hash (which would cost every API request tens of milliseconds).
 */
export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** A new token for record `id`: the text shown once, and the hash to store. */
export function newApiToken(kind: ApiTokenKind, id: string): { token: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { token: `${PREFIX[kind]}${id}_${secret}`, hash: hashSecret(secret) };
}

/** null for anything that is not exactly a token's shape (so a malformed one costs no database read). */
export function parseApiToken(token: string): ParsedApiToken | null {
  const m = SHAPE.exec(token);
  if (!m?.[1] || !m[2] || !m[3]) return null;
  return { kind: m[1] === 'pbt' ? 'bot' : 'personal', id: m[2], secret: m[3] };
}

/** Does `secret` hash to `storedHash`? Compared in constant time. */
export function secretMatches(storedHash: string, secret: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
