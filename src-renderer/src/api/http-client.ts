import type { ErrorCode } from '@shared/api/common';
import type { ApiErrorBody } from './types';

/** Every failure surfaces as an ApiError with the server's code (or a client-side one) and a message fit for the UI. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * Human wording for every API error code. Typed against the server's closed list, so a new code fails the typecheck
 * here until it has a message.
 */
const API_MESSAGES: Record<ErrorCode, string> = {
  VALIDATION_FAILED: 'Some fields are not valid.',
  MALFORMED_JSON: 'The app sent a malformed request. Please reload.',
  INVALID_CHARACTERS: 'Names and messages cannot contain control characters or text-direction overrides.',
  PAYLOAD_TOO_LARGE: 'That is too large.',
  UNSUPPORTED_MEDIA_TYPE: 'The app sent an unsupported request. Please reload.',
  UNAUTHENTICATED: 'Your session has expired. Please log in again.',
  TOKEN_EXPIRED: 'Your session has expired. Please log in again.',
  INVALID_CREDENTIALS: 'Wrong username or password.',
  FORBIDDEN: "You don't have permission to do that.",
  MISSING_SCOPE: 'This API token is not allowed to do that.',
  NOT_FOUND: "That doesn't exist (any more).",
  REACTION_LIMIT: 'This message has as many different reactions as it can have.',
  INVALID_REPLY: 'The message you replied to is gone.',
  USER_BUSY: 'They are busy in another call.',
  CONFLICT: 'That conflicts with something that already exists.',
  USERNAME_TAKEN: 'That username is already taken.',
  RATE_LIMITED: "You're doing that too fast. Try again in a moment.",
  BANNED: 'You are banned from this server.',
  INVITE_INVALID: 'This invite is invalid or has expired.',
  CHANNEL_FULL: 'This voice channel is full.',
  WRONG_CHANNEL_TYPE: "That can't be done in this kind of channel.",
  DEPENDENCY_UNAVAILABLE: 'The server is temporarily unavailable (a service it needs is down). Try again shortly.',
  WEBHOOK_URL_REFUSED:
    'That webhook URL is not allowed: it must be a public https address (private and local network addresses are refused).',
  WEBHOOKS_DISABLED: 'Webhooks are turned off on this server (it runs without Redis).',
  INTERNAL: 'Something went wrong on the server.',
};

const MESSAGES: Record<string, string> = {
  ...API_MESSAGES,
  NETWORK: "Can't reach the server. Check the address and your connection.",
};

export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === 'VALIDATION_FAILED' && Array.isArray(err.details) && err.details.length > 0) {
      const first = err.details[0] as { path?: unknown; message?: unknown };
      const path = Array.isArray(first.path) ? first.path.join('.') : typeof first.path === 'string' ? first.path : '';
      if (typeof first.message === 'string') return path ? `${path}: ${first.message}` : first.message;
    }
    return MESSAGES[err.code] ?? err.message;
  }
  if (err instanceof Error) return err.message;
  return 'Something went wrong.';
}

export interface TokenSource {
  accessToken(): string | null;
  /** Called once on a 401; resolves to a fresh access token or null when the session is over. */
  refresh(): Promise<string | null>;
}

export interface HttpClient {
  baseUrl: string;
  get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  patch<T>(path: string, body?: unknown): Promise<T>;
  put<T>(path: string, body?: unknown): Promise<T>;
  delete<T>(path: string, body?: unknown): Promise<T>;
  /** PUT a file as the raw body (avatars, icons), with its own Content-Type. */
  putFile<T>(path: string, file: Blob): Promise<T>;
  /**
   * POST a file as the raw body (`application/octet-stream`: the server judges the bytes), reporting upload progress
   * (0–1); `signal` aborts it. XMLHttpRequest, because fetch cannot report upload progress.
   */
  upload<T>(path: string, file: Blob, opts?: { onProgress?: (fraction: number) => void; signal?: AbortSignal }): Promise<T>;
}

/** A body sent as it is (not JSON). */
class RawBody {
  constructor(readonly blob: Blob) {}
}

export function createHttpClient(baseUrl: string, tokens: TokenSource, fetchImpl: typeof fetch = fetch): HttpClient {
  const root = baseUrl.replace(/\/+$/, '');

  async function request<T>(method: string, path: string, body?: unknown, retried = false): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const token = tokens.accessToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body instanceof RawBody) headers['Content-Type'] = body.blob.type;
    else if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetchImpl(`${root}/api/v1${path}`, {
        method,
        headers,
        body: body instanceof RawBody ? body.blob : body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError('NETWORK', MESSAGES.NETWORK ?? 'Network error', 0);
    }
    if (res.status === 401 && token && !retried && !path.startsWith('/auth/')) {
      const fresh = await tokens.refresh();
      if (fresh) return request<T>(method, path, body, true);
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    const data: unknown = text ? safeJson(text) : undefined;
    if (!res.ok) {
      const e = (data as Partial<ApiErrorBody> | undefined)?.error;
      throw new ApiError(e?.code ?? `HTTP_${res.status}`, e?.message ?? res.statusText, res.status, e?.details);
    }
    return data as T;
  }

  function xhrUpload<T>(
    path: string,
    file: Blob,
    opts: { onProgress?: (fraction: number) => void; signal?: AbortSignal },
    retried = false,
  ): Promise<T> {
    const token = tokens.accessToken();
    return new Promise<{ status: number; text: string }>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `${root}/api/v1${path}`);
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) opts.onProgress?.(e.loaded / e.total);
      };
      xhr.onload = () => resolve({ status: xhr.status, text: xhr.responseText });
      xhr.onerror = () => reject(new ApiError('NETWORK', MESSAGES.NETWORK ?? 'Network error', 0));
      xhr.onabort = () => reject(new ApiError('ABORTED', 'Upload cancelled', 0));
      opts.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
      xhr.send(file);
    }).then(async ({ status, text }) => {
      if (status === 401 && token && !retried) {
        const fresh = await tokens.refresh();
        if (fresh) return xhrUpload<T>(path, file, opts, true);
      }
      const data: unknown = text ? safeJson(text) : undefined;
      if (status < 200 || status >= 300) {
        const e = (data as Partial<ApiErrorBody> | undefined)?.error;
        throw new ApiError(e?.code ?? `HTTP_${status}`, e?.message ?? `HTTP ${status}`, status, e?.details);
      }
      return data as T;
    });
  }

  return {
    baseUrl: root,
    get: (path, query) => {
      const qs = query
        ? Object.entries(query)
            .filter((e): e is [string, string | number] => e[1] !== undefined)
            .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
            .join('&')
        : '';
      return request('GET', qs ? `${path}?${qs}` : path);
    },
    post: (path, body) => request('POST', path, body ?? {}),
    patch: (path, body) => request('PATCH', path, body ?? {}),
    put: (path, body) => request('PUT', path, body ?? {}),
    delete: (path, body) => request('DELETE', path, body),
    putFile: (path, file) => request('PUT', path, new RawBody(file)),
    upload: (path, file, opts = {}) => xhrUpload(path, file, opts),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
