import { describe, expect, it } from 'vitest';
import { hashSecret, newApiToken, parseApiToken, secretMatches } from './api-token-format';

const ID = '0123456789abcdef01234567';

describe('API token format', () => {
  it('when a bot token is made, then it parses back to its kind, id and a secret whose hash is the stored one', () => {
    const { token, hash } = newApiToken('bot', ID);
    expect(token.startsWith(`pbt_${ID}_`)).toBe(true);
    const parsed = parseApiToken(token);
    expect(parsed).toMatchObject({ kind: 'bot', id: ID });
    expect(parsed && hashSecret(parsed.secret)).toBe(hash);
    expect(parsed && secretMatches(hash, parsed.secret)).toBe(true);
  });

  it('when a personal token is made, then it carries the ppt_ prefix and never the secret in its hash', () => {
    const { token, hash } = newApiToken('personal', ID);
    const parsed = parseApiToken(token);
    expect(parsed?.kind).toBe('personal');
    expect(hash).not.toContain(parsed?.secret);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('when two tokens are made for one id, then their secrets differ', () => {
    expect(newApiToken('bot', ID).token).not.toBe(newApiToken('bot', ID).token);
  });

  it('when a token is altered or malformed, then it does not parse or does not match', () => {
    const { token, hash } = newApiToken('bot', ID);
    expect(parseApiToken(token.slice(0, -1))).toBeNull();
    expect(parseApiToken(`xyz_${token.slice(4)}`)).toBeNull();
    expect(parseApiToken(`${token} `)).toBeNull();
    expect(parseApiToken('pbt_short_secret')).toBeNull();
    const other = parseApiToken(newApiToken('bot', ID).token);
    expect(other && secretMatches(hash, other.secret)).toBe(false);
    expect(secretMatches('not-hex', 'x'.repeat(43))).toBe(false);
  });
});
