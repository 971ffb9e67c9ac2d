import { randomInt } from 'node:crypto';
import type { Db } from 'mongodb';
import { isDuplicateKey } from '../../db/errors';

/**
 * Message ids in the style of Discord's snowflakes, written as the 24 lowercase hex digits every API id has:
 *
 *   12 digits  milliseconds since the Unix epoch (48 bits: until the year 10889)
 *    6 digits  the generating instance (24 bits), claimed once per process in `id_instances`
 *    6 digits  a sequence within that millisecond on that instance (16.7 million a millisecond)
 *
 * So ids are unique across server instances without a database counter, sort by time as strings (an `_id` range is
 * a time range), and carry their creation time: a message's `createdAt` is the time in its id, so id order and
 * `createdAt` order never disagree.
 */
export const MESSAGE_ID_PATTERN = /^[0-9a-f]{24}$/;

const MAX_INSTANCE = 0xffffff;
/** Reserved for ids written by the page-to-document migration; never claimed by a process. */
export const MIGRATION_INSTANCE = MAX_INSTANCE;
const MAX_SEQUENCE = 0xffffff;

const hex = (n: number, digits: number) => n.toString(16).padStart(digits, '0');

export function formatMessageId(ms: number, instance: number, sequence: number): string {
  return hex(ms, 12) + hex(instance, 6) + hex(sequence, 6);
}

/** The creation time carried by a message id. */
export function timeOfMessageId(id: string): Date {
  return new Date(parseInt(id.slice(0, 12), 16));
}

/** The instance part of a message id (which process or import wrote it). */
export function instanceOfMessageId(id: string): number {
  return parseInt(id.slice(12, 18), 16);
}

/** The smallest id any message created at or after `at` can have: `{ _id: { $gte: messageIdFloor(at) } }`. */
export function messageIdFloor(at: Date): string {
  return formatMessageId(Math.max(0, at.getTime()), 0, 0);
}

export interface MessageIdGenerator {
  readonly instance: number;
  /**
   * The next id at `atMs` or later: never before the previous one (a clock that steps back does not reorder a
   * channel), moving to the next millisecond when one millisecond's sequence is used up.
   */
  next(atMs: number): { id: string; at: Date };
}

/** `maxSequence` is for tests (the real limit takes 16.7 million ids to reach). */
export function createMessageIdGenerator(instance: number, maxSequence = MAX_SEQUENCE): MessageIdGenerator {
  if (!Number.isInteger(instance) || instance < 0 || instance > MAX_INSTANCE)
    throw new RangeError(`message id instance out of range: ${instance}`);
  let lastMs = -1;
  let sequence = 0;
  return {
    instance,
    next(atMs) {
      let ms = Math.max(Math.floor(atMs), lastMs);
      if (ms === lastMs) {
        sequence += 1;
        if (sequence > maxSequence) {
          ms += 1;
          sequence = 0;
        }
      } else {
        sequence = 0;
      }
      lastMs = ms;
      return { id: formatMessageId(ms, instance, sequence), at: new Date(ms) };
    },
  };
}

/**
 * Ids for a bulk import of old messages: any timestamp, in any order, each (millisecond, sequence) pair once. The
 * caller keeps each channel's messages in order (by passing non-decreasing times per channel).
 */
export function createImportIdGenerator(instance: number): MessageIdGenerator {
  const used = new Map<number, number>();
  return {
    instance,
    next(atMs) {
      let ms = Math.floor(atMs);
      let sequence = used.get(ms) ?? 0;
      while (sequence > MAX_SEQUENCE) {
        ms += 1;
        sequence = used.get(ms) ?? 0;
      }
      used.set(ms, sequence + 1);
      return { id: formatMessageId(ms, instance, sequence), at: new Date(ms) };
    },
  };
}

interface InstanceDoc {
  _id: number;
  claimedAt: Date;
  purpose: string;
}

/**
 * Claims an instance number nobody has used: a random one, inserted into `id_instances` whose `_id` is unique, so two
 * processes never share one (atomic on MongoDB 7 and FerretDB alike). Numbers are never given back: 16.7 million
 * claims, one per process start or import, last a very long time, and a number reused after a clock stepped back could
 * repeat an id.
 */
export async function claimIdInstance(db: Db, purpose: string, at: Date = new Date()): Promise<number> {
  const instances = db.collection<InstanceDoc>('id_instances');
  for (let attempt = 0; attempt < 20; attempt++) {
    const instance = randomInt(0, MAX_INSTANCE); // MAX_INSTANCE itself is the migration's
    try {
      await instances.insertOne({ _id: instance, claimedAt: at, purpose });
      return instance;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
  throw new Error('could not claim a message id instance after 20 attempts');
}
