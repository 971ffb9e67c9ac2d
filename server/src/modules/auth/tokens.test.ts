import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors';
import { codeOf } from '../../errors.testing';
import { ACCESS_TOKEN_TTL_SECONDS, createAccessTokens } from './tokens';

const USER = '6a00000000000000000000a1';

describe('access tokens', () => {
  it('when a token is verified again, then it is still accepted, and refused as expired once the clock passes exp', async () => {
    let now = Date.parse('2026-11-21T12:00:00Z');
    const tokens = createAccessTokens('s'.repeat(32), { now: () => new Date(now) });
    const { token } = await tokens.sign(USER);
    expect(await tokens.verify(token)).toEqual({ userId: USER, sessionId: null, exp: now / 1000 + ACCESS_TOKEN_TTL_SECONDS });
    expect((await tokens.verify(token)).userId).toBe(USER); // remembered
    now += ACCESS_TOKEN_TTL_SECONDS * 1000;
    expect(await codeOf(tokens.verify(token))).toBe('TOKEN_EXPIRED');
    expect(await codeOf(tokens.verify(token))).toBe('TOKEN_EXPIRED');
  });

  it('when a verified token is altered or signed with another secret, then it is refused', async () => {
    const tokens = createAccessTokens('s'.repeat(32));
    const other = createAccessTokens('t'.repeat(32));
    const { token } = await tokens.sign(USER);
    await tokens.verify(token);
    const [header, , signature] = token.split('.');
    const forgedPayload = Buffer.from(
      JSON.stringify({ sub: '6a00000000000000000000ff', iss: 'parley', aud: 'parley-api', exp: 9_999_999_999 }),
    ).toString('base64url');
    expect(await codeOf(tokens.verify(`${header}.${forgedPayload}.${signature}`))).toBe('UNAUTHENTICATED');
    expect(await codeOf(tokens.verify(`${token}x`))).toBe('UNAUTHENTICATED');
    expect(await codeOf(tokens.verify((await other.sign(USER)).token))).toBe('UNAUTHENTICATED');
  });
});

describe('account check', () => {
  it('when the account check refuses a user, then their tokens are refused even after they verified once, and accepted again when it allows', async () => {
    const tokens = createAccessTokens('s'.repeat(32));
    const { token } = await tokens.sign(USER);
    expect((await tokens.verify(token)).userId).toBe(USER); // remembered from here on
    let disabled = true;
    tokens.setAccountCheck(async ({ userId }) => {
      if (disabled && userId === USER) throw new AppError('UNAUTHENTICATED', 'Account disabled');
    });
    expect(await codeOf(tokens.verify(token))).toBe('UNAUTHENTICATED');
    disabled = false;
    expect((await tokens.verify(token)).userId).toBe(USER);
  });
});

describe('session claim', () => {
  it('when a token is signed for a session, then verifying it names that session and the check sees it', async () => {
    const tokens = createAccessTokens('s'.repeat(32));
    const SESSION = '6a00000000000000000000b2';
    const { token } = await tokens.sign(USER, SESSION);
    const revoked = new Set<string>();
    tokens.setAccountCheck(async ({ sessionId }) => {
      if (sessionId && revoked.has(sessionId)) throw new AppError('UNAUTHENTICATED', 'Session logged out');
    });
    expect((await tokens.verify(token)).sessionId).toBe(SESSION);
    revoked.add(SESSION);
    expect(await codeOf(tokens.verify(token))).toBe('UNAUTHENTICATED');
  });
});
