import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import type { ApiTokenClaims } from '../modules/auth/tokens';
import { requireScope } from './auth.middleware';

/** Runs the gate for a request authenticated as `apiToken` (none: a session token); the error code it passes on, or null. */
function gate(contract: Parameters<typeof requireScope>[0], apiToken?: ApiTokenClaims): string | null {
  const req = { auth: { userId: 'u', sessionId: null, ...(apiToken ? { apiToken } : {}) } } as unknown as Request;
  let passed: unknown = 'not called';
  requireScope(contract)(req, {} as Response, (err?: unknown) => {
    passed = err;
  });
  return passed === undefined ? null : passed instanceof AppError ? passed.code : String(passed);
}

const route = { method: 'post', path: '/channels/:channelId/messages', scope: 'messages:write' } as const;
const unscoped = { method: 'post', path: '/users/@me/bots' } as const;
const personal = (scopes: ApiTokenClaims['scopes']): ApiTokenClaims => ({ id: 't', kind: 'personal', scopes });

describe('requireScope', () => {
  it('when a session token calls any route, then it passes', () => {
    expect(gate(route)).toBeNull();
    expect(gate(unscoped)).toBeNull();
  });
  it('when a personal token holds the route scope, then it passes; without it, MISSING_SCOPE', () => {
    expect(gate(route, personal(['messages:write']))).toBeNull();
    expect(gate(route, personal(['messages:read']))).toBe('MISSING_SCOPE');
  });
  it('when any token calls a route without a scope, then MISSING_SCOPE, a bot included', () => {
    expect(gate(unscoped, personal(['messages:write', 'messages:read', 'guilds:read', 'voice:join']))).toBe('MISSING_SCOPE');
    expect(gate(unscoped, { id: 'b', kind: 'bot', scopes: [] })).toBe('MISSING_SCOPE');
  });
  it("when a bot's token calls a scoped route, then it passes whatever its listed scopes", () => {
    expect(gate(route, { id: 'b', kind: 'bot', scopes: [] })).toBeNull();
  });
});
