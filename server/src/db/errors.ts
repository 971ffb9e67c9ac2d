/**
 * Driver error checks for repositories (only `*.repo.ts` should need them: repositories turn these into domain results,
 * so services never see an `E11000`).
 */

/** MongoDB duplicate-key error (a unique index refused the write): the building block of every claim-by-insert. */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}
