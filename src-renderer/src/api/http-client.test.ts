import { describe, expect, it, vi } from 'vitest';
import { ApiError, createHttpClient, describeError } from './http-client';

function response(status: number, body?: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

describe('http client', () => {
  it('when a request gets 401, then the token is refreshed once and the request retried with the new token', async () => {
    let token = 'old';
    const fetchImpl = vi.fn(async (_url: string | URL | Request, init?: RequestInit) => {
      const auth = (init?.headers as Record<string, string>).Authorization;
      return auth === 'Bearer new'
        ? response(200, { ok: true })
        : response(401, { error: { code: 'TOKEN_EXPIRED', message: 'expired', requestId: 'r' } });
    });
    const refresh = vi.fn(async () => {
      token = 'new';
      return token;
    });
    const http = createHttpClient('http://x/', { accessToken: () => token, refresh }, fetchImpl as typeof fetch);
    expect(await http.get('/users/@me')).toEqual({ ok: true });
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(fetchImpl.mock.calls[0]?.[0]).toBe('http://x/api/v1/users/@me');
  });

  it('when the server answers with an error body, then an ApiError carries its code and a human message', async () => {
    const fetchImpl = vi.fn(async () => response(409, { error: { code: 'USERNAME_TAKEN', message: 'taken', requestId: 'r' } }));
    const http = createHttpClient('http://x', { accessToken: () => null, refresh: async () => null }, fetchImpl as typeof fetch);
    const err = await http.post('/auth/register', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('USERNAME_TAKEN');
    expect(describeError(err)).toBe('That username is already taken.');
  });

  it('when validation fails, then the first field problem is shown', () => {
    const err = new ApiError('VALIDATION_FAILED', 'bad', 400, [
      { path: ['password'], message: 'Too small: expected string to have >=8 characters' },
    ]);
    expect(describeError(err)).toBe('password: Too small: expected string to have >=8 characters');
  });

  it('when a file is PUT, then it goes as the raw body with its own type (also on the retry after a refresh)', async () => {
    let token = 'old';
    const fetchImpl = vi.fn(async (_url: string | URL | Request, init?: RequestInit) => {
      const auth = (init?.headers as Record<string, string>).Authorization;
      return auth === 'Bearer new'
        ? response(200, { avatar: 'f'.repeat(32) })
        : response(401, { error: { code: 'TOKEN_EXPIRED', message: 'expired', requestId: 'r' } });
    });
    const http = createHttpClient(
      'http://x',
      { accessToken: () => token, refresh: async () => (token = 'new') },
      fetchImpl as typeof fetch,
    );
    const file = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: 'image/png' });
    expect(await http.putFile('/users/@me/avatar', file)).toEqual({ avatar: 'f'.repeat(32) });
    expect(fetchImpl).toHaveBeenCalledTimes(2);
    for (const [, init] of fetchImpl.mock.calls) {
      expect(init?.method).toBe('PUT');
      expect(init?.body).toBe(file);
      expect((init?.headers as Record<string, string>)['Content-Type']).toBe('image/png');
    }
  });

  it('when the server is unreachable, then the error says so', async () => {
    const http = createHttpClient('http://x', { accessToken: () => null, refresh: async () => null }, (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch);
    const err = await http.get('/guilds').catch((e: unknown) => e);
    expect((err as ApiError).code).toBe('NETWORK');
  });
});
