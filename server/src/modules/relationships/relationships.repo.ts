import type { Db } from 'mongodb';
import { isDuplicateKey } from '../../db/errors';
import { ensureCollectionIndexes } from '../../db/indexes';

/**
 * `relationships`: one document per ordered pair of users and kind, its `_id` `<kind>:<from>:<to>` (the unique key):
 * - `friend:<A>:<B>`: A wants to be friends with B. Only A's is an outgoing request; both A's and B's are a friendship.
 * - `block:<A>:<B>`: A blocked B. It outweighs every `friend` document of the pair, both ways.
 *
 * Every write is an insert that claims its `_id` (a second one is a duplicate key: idempotent) or a delete by `_id`,
 * never an update, so nothing depends on compare-and-set (not atomic on FerretDB) and every outcome holds on MongoDB 7
 * and the stand-in alike. Two users asking each other at the same moment each insert their own document: together they
 * are one friendship, never two pending requests. What a pair is, is derived from its (at most four) documents.
 */
export type RelationshipKind = 'friend' | 'block';

interface RelationshipDoc {
  _id: string;
  kind: RelationshipKind;
  from: string;
  to: string;
  createdAt: Date;
}

export interface StoredRelationship {
  kind: RelationshipKind;
  from: string;
  to: string;
  createdAt: Date;
}

/** The documents between two users, each direction named from `me`'s side. */
export interface PairDocs {
  myFriend: StoredRelationship | null;
  theirFriend: StoredRelationship | null;
  myBlock: StoredRelationship | null;
  theirBlock: StoredRelationship | null;
}

export type RelationshipsRepo = ReturnType<typeof createRelationshipsRepo>;

const idOf = (kind: RelationshipKind, from: string, to: string) => `${kind}:${from}:${to}`;

export function createRelationshipsRepo(db: Db) {
  const docs = db.collection<RelationshipDoc>('relationships');
  const plain = (d: RelationshipDoc): StoredRelationship => ({ kind: d.kind, from: d.from, to: d.to, createdAt: d.createdAt });
  const byId = async (kind: RelationshipKind, from: string, to: string) => {
    const d = await docs.findOne({ _id: idOf(kind, from, to) });
    return d ? plain(d) : null;
  };

  return {
    async ensureIndexes(): Promise<void> {
      // A user's list reads the documents from them and to them. (The unique claim is `_id`.)
      await ensureCollectionIndexes(db, 'relationships', [
        { key: { from: 1 }, name: 'from' },
        { key: { to: 1 }, name: 'to' },
      ]);
    },

    /** Claims `<kind>:<from>:<to>`; false when it existed already (a repeat, or a concurrent twin). */
    async insert(kind: RelationshipKind, from: string, to: string, now: Date): Promise<boolean> {
      try {
        await docs.insertOne({ _id: idOf(kind, from, to), kind, from, to, createdAt: now });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },

    /** true when it existed. */
    async remove(kind: RelationshipKind, from: string, to: string): Promise<boolean> {
      return (await docs.deleteOne({ _id: idOf(kind, from, to) })).deletedCount === 1;
    },

    /** The pair's documents: four `_id` reads (the stand-in pushes only `_id` equality down to its index). */
    async pair(me: string, other: string): Promise<PairDocs> {
      const [myFriend, theirFriend, myBlock, theirBlock] = await Promise.all([
        byId('friend', me, other),
        byId('friend', other, me),
        byId('block', me, other),
        byId('block', other, me),
      ]);
      return { myFriend, theirFriend, myBlock, theirBlock };
    },

    /** Whether either user blocked the other. */
    async blockedEitherWay(a: string, b: string): Promise<boolean> {
      const [ab, ba] = await Promise.all([byId('block', a, b), byId('block', b, a)]);
      return ab !== null || ba !== null;
    },

    /** Every document from or to the user. */
    async listOf(userId: string): Promise<StoredRelationship[]> {
      const [from, to] = await Promise.all([docs.find({ from: userId }).toArray(), docs.find({ to: userId }).toArray()]);
      return [...from, ...to].map(plain);
    },
  };
}
