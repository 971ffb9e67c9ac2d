import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import { isDuplicateKey } from './errors';

interface LockDoc {
  _id: string;
  holder: string;
  at: Date;
}

export interface KeyLock {
  /** Runs `fn` while holding the lock on `key`; other callers for the same key wait their turn. */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Short per-key mutual exclusion for read-modify-write sequences on one document, built from the one write that is
 * atomic on MongoDB 7 and FerretDB 1.24 alike: inserting a unique `_id`. (FerretDB runs a conditional update as a find
 * and a write, so two of them on one document can lose one another's change.) A holder that died leaves its lock behind
 * for `staleMs`, after which the next caller removes it; a caller that waits `waitMs` gives up with an error.
 */
export function createKeyLock(db: Db, collection: string, options: { staleMs?: number; waitMs?: number } = {}): KeyLock {
  const locks = db.collection<LockDoc>(collection);
  const staleMs = options.staleMs ?? 10_000;
  const waitMs = options.waitMs ?? 3_000;
  return {
    async withLock(key, fn) {
      const holder = randomUUID();
      const deadline = Date.now() + waitMs;
      for (let attempt = 0; ; attempt++) {
        try {
          await locks.insertOne({ _id: key, holder, at: new Date() });
          break;
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          const current = await locks.findOne({ _id: key });
          if (current && Date.now() - current.at.getTime() > staleMs) await locks.deleteOne({ _id: key, holder: current.holder });
          else if (Date.now() > deadline) throw new Error(`lock ${collection}/${key} still held after ${waitMs} ms`);
          else await sleep(Math.min(50, 2 + attempt * 3) * (0.5 + Math.random()));
        }
      }
      try {
        return await fn();
      } finally {
        await locks.deleteOne({ _id: key, holder });
      }
    },
  };
}
