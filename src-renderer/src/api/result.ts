import { ApiError, describeError } from './http-client';

/**
 * What a store action that can fail answers, instead of writing an `error` field for some component to read: the
 * caller that started the action shows the failure where the user acted, and two dialogs never share one error slot.
 * `code` is the server's error code (`INVALID_CREDENTIALS`, `USERNAME_TAKEN`, …), `NETWORK` when it could not be
 * reached, `UNKNOWN` otherwise; `message` is the text to show.
 */
export type Result<T = undefined> = { ok: true; value: T } | { ok: false; code: string; message: string };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function failure(err: unknown): { ok: false; code: string; message: string } {
  const code = err instanceof ApiError ? (err.status === 0 ? 'NETWORK' : err.code) : 'UNKNOWN';
  return { ok: false, code, message: describeError(err) };
}

/** Runs an API call and answers a Result; never throws. */
export async function attempt<T>(call: () => Promise<T>): Promise<Result<T>> {
  try {
    return ok(await call());
  } catch (err) {
    return failure(err);
  }
}
