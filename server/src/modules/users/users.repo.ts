import type { Db, ObjectId } from 'mongodb';
import { oid } from '../../db/ids';

interface UserDoc {
  _id: ObjectId;
  username: string;
  usernameLower: string;
  displayName: string;
  passwordHash: string;
  createdAt: Date;
}

export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  passwordHash: string;
  createdAt: Date;
}

const toRecord = (d: UserDoc): UserRecord => ({
  id: d._id.toHexString(),
  username: d.username,
  displayName: d.displayName,
  passwordHash: d.passwordHash,
  createdAt: d.createdAt,
});

export type UsersRepo = ReturnType<typeof createUsersRepo>;

export function createUsersRepo(db: Db) {
  const users = db.collection<UserDoc>('users');
  return {
    /** Throws a duplicate-key error when the username is taken (case-insensitively). */
    async insert(u: { id: string; username: string; displayName: string; passwordHash: string; createdAt: Date }): Promise<UserRecord> {
      const doc: UserDoc = { _id: oid(u.id), username: u.username, usernameLower: u.username.toLowerCase(), displayName: u.displayName, passwordHash: u.passwordHash, createdAt: u.createdAt };
      await users.insertOne(doc);
      return toRecord(doc);
    },
    async findById(id: string): Promise<UserRecord | null> {
      const d = await users.findOne({ _id: oid(id) });
      return d ? toRecord(d) : null;
    },
    async findByUsername(username: string): Promise<UserRecord | null> {
      const d = await users.findOne({ usernameLower: username.toLowerCase() });
      return d ? toRecord(d) : null;
    },
    /**
     * Few ids: one `_id` lookup each (FerretDB pushes those down; `$in` would scan the collection). Many ids: one scan.
     */
    async findManyByIds(ids: readonly string[]): Promise<UserRecord[]> {
      const unique = [...new Set(ids)];
      if (unique.length === 0) return [];
      if (unique.length <= 20) {
        const docs = await Promise.all(unique.map((id) => users.findOne({ _id: oid(id) })));
        return docs.flatMap((d) => (d ? [toRecord(d)] : []));
      }
      const docs = await users.find({ _id: { $in: unique.map(oid) } }).toArray();
      return docs.map(toRecord);
    },
    async update(id: string, set: { displayName?: string; passwordHash?: string }): Promise<UserRecord | null> {
      const d = await users.findOneAndUpdate({ _id: oid(id) }, { $set: set }, { returnDocument: 'after' });
      return d ? toRecord(d) : null;
    },
    count: () => users.countDocuments(),
  };
}
