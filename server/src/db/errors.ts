/**
 * Driver error checks for repositories (only `*.repo.ts` should need them: repositories turn these into domain results,
 * so services never see an `E11000`).
 */

/**
 * FerretDB 1.24 (the SQLite stand-in) enforces unique indexes, but an *update* that breaks one fails with
 * `InternalError` (code 1) and SQLite's message instead of MongoDB's 11000; inserts get 11000 as on MongoDB.
 */
const STAND_IN_UNIQUE_VIOLATION = /UNIQUE constraint failed/;

/**
 * A unique index refused the write (MongoDB's duplicate-key error 11000, or the stand-in's form of it on updates): the
 * building block of every claim-by-insert, and of updates such as a rename that a unique index decides.
 */
export function isDuplicateKey(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (code === 11000) return true;
  return code === 1 && typeof message === 'string' && STAND_IN_UNIQUE_VIOLATION.test(message);
}
