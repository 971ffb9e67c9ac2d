import { AppError } from './errors';

/** For unit tests: the AppError code `promise` rejects with, 'no error' when it resolves; other errors are rethrown. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
  return 'no error';
}
