import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config';
import { AppError } from '../errors';
import { createAuthRateLimits, createProgressiveDelay, progressiveDelaySeconds } from './rate-limit';
import { DEFAULT_BUDGETS, parseBudgets } from './rate-limit-budgets';

async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('progressiveDelaySeconds', () => {
  it('when failures pass the free ones, then the wait starts at 1 s and doubles up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) => progressiveDelaySeconds(n, 3, 10))).toEqual([0, 0, 0, 1, 2, 4, 8, 10, 10]);
    expect(progressiveDelaySeconds(10_000, 0, 30)).toBe(30);
  });
});

describe('parseBudgets', () => {
  it('when empty, then the defaults', () => {
    expect(parseBudgets('')).toEqual({ budgets: DEFAULT_BUDGETS, problems: [] });
  });

  it('when a wildcard comes after single budgets, then it still applies first and they override it', () => {
    const { budgets, problems } = parseBudgets('message=5/5, *=2/60');
    expect(problems).toEqual([]);
    expect(budgets.message).toEqual({ points: 5, seconds: 5 });
    expect(budgets.write).toEqual({ points: 2, seconds: 60 });
    expect(budgets.gateway).toEqual({ points: 2, seconds: 60 });
  });

  it('when a pair is malformed, zero or names an unknown budget, then each is a problem', () => {
    const { problems } = parseBudgets('message=5,invite=0/60,messages=1/1,write=3/10');
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/unknown budget "messages"/);
  });

  it('when the server config has a bad RATE_LIMITS pair, then parsing the config names it', () => {
    const env = { LIVEKIT_API_KEY: 'key', LIVEKIT_API_SECRET: 's'.repeat(32), JWT_SECRET: 'j'.repeat(32) };
    expect(parseConfig({ ...env, RATE_LIMITS: 'invite=3/60' }).RATE_LIMITS.invite).toEqual({ points: 3, seconds: 60 });
    expect(() => parseConfig({ ...env, RATE_LIMITS: 'invite=0/60' })).toThrow(/RATE_LIMITS: "invite=0\/60"/);
  });
});

describe('createProgressiveDelay (in memory)', () => {
  it('when a key fails past its free failures, then it must wait, and a reset clears the wait', async () => {
    const delay = createProgressiveDelay({ redis: null, keyPrefix: 'unit-delay', free: 2, maxSeconds: 60 });
    await delay.fail('k');
    await delay.fail('k');
    await delay.check('k');
    await delay.fail('k');
    const first = await refusal(delay.check('k'));
    expect(first.code).toBe('RATE_LIMITED');
    expect(first.headers?.['Retry-After']).toBe('1');
    await delay.fail('k');
    expect((await refusal(delay.check('k'))).headers?.['Retry-After']).toBe('2');
    await delay.check('other');
    await delay.reset('k');
    await delay.check('k');
  });
});

describe('createAuthRateLimits (in memory)', () => {
  const limits = () =>
    createAuthRateLimits({
      redis: null,
      namespace: 'unit',
      perIpPerMinute: 3,
      perAccountPer15Min: 2,
      accountMaxDelaySeconds: 5,
      ipMaxDelaySeconds: 600,
    });

  it("when an attacker's IP keeps failing on the owner's account, then a fresh IP waits at most the account cap while the attacker's IP waits longer", async () => {
    const l = limits();
    for (let i = 0; i < 12; i++) await l.failAccount('Owner', '10.0.0.66');
    const owner = await refusal(l.checkAccount('owner', '10.0.0.1'));
    expect(Number(owner.headers?.['Retry-After'])).toBeLessThanOrEqual(5);
    const attacker = await refusal(l.checkAccount('someone-else', '10.0.0.66'));
    expect(Number(attacker.headers?.['Retry-After'])).toBeGreaterThan(5);
  });

  it('when the owner logs in, then the account wait is gone but the IP that failed still waits', async () => {
    const l = limits();
    for (let i = 0; i < 6; i++) await l.failAccount('owner', '10.0.0.66');
    await l.resetAccount('owner');
    await l.checkAccount('owner', '10.0.0.1');
    expect((await refusal(l.checkAccount('owner', '10.0.0.66'))).code).toBe('RATE_LIMITED');
  });

  it('when the account is checked without an IP (a password change), then only the account wait counts', async () => {
    const l = limits();
    for (let i = 0; i < 4; i++) await l.failAccount('x', '10.0.0.7');
    await l.checkAccount('y');
    expect((await refusal(l.checkAccount('x'))).code).toBe('RATE_LIMITED');
  });
});
