import type { Db, ObjectId } from 'mongodb';
import { deletedUsernameKey } from '../../modules/users/users.repo';
import { usernameSkeleton } from '../../modules/users/username-skeleton';
import type { Migration } from './index';

interface UserRow {
  _id: ObjectId;
  username: string;
  usernameSkeleton?: string;
  createdAt?: Date;
  deletedAt?: Date | null;
}

/** What the migration did, for its log line and its test. */
export interface SkeletonBackfill {
  filled: number;
  /** Accounts whose name looks the same as an older account's: `{ userId, username, sameAs: { userId, username } }`. */
  collisions: { userId: string; username: string; sameAs: { userId: string; username: string } }[];
}

/** The placeholder key of an account whose name collides: unique, and no username's skeleton contains `#`. */
export const collidingSkeletonKey = (id: string) => `#collision:${id}`;

/**
 * Fills `usernameSkeleton` (username-skeleton.ts) into every account that lacks it, before ensureIndexes makes it
 * unique. Accounts made before it may already hold names that look alike ("paypal" and "paypa1"): the oldest keeps the
 * skeleton, each later one gets a placeholder key of its own (`#collision:<id>`), so nobody is renamed or locked out
 * and the index can be built. Every collision is logged (warn) with both accounts, for an admin to settle; a rename
 * of a colliding account sets its real skeleton again. Deleted accounts take the key they hold as `usernameLower`.
 * Rerunnable: accounts that already have a key are kept and count as taken.
 */
export async function backfillUsernameSkeletons(db: Db): Promise<SkeletonBackfill> {
  const users = db.collection<UserRow>('users');
  const rows = await users
    .find({}, { projection: { username: 1, usernameSkeleton: 1, createdAt: 1, deletedAt: 1 } })
    .sort({ _id: 1 })
    .toArray();
  const holders = new Map<string, UserRow>();
  for (const row of rows) if (row.usernameSkeleton !== undefined) holders.set(row.usernameSkeleton, row);
  const result: SkeletonBackfill = { filled: 0, collisions: [] };
  for (const row of rows) {
    if (row.usernameSkeleton !== undefined) continue;
    const id = row._id.toHexString();
    let key = row.deletedAt ? deletedUsernameKey(id) : usernameSkeleton(row.username);
    const holder = holders.get(key);
    if (holder) {
      result.collisions.push({
        userId: id,
        username: row.username,
        sameAs: { userId: holder._id.toHexString(), username: holder.username },
      });
      key = collidingSkeletonKey(id);
    }
    holders.set(key, row);
    await users.updateOne({ _id: row._id, usernameSkeleton: { $exists: false } }, { $set: { usernameSkeleton: key } });
    result.filled += 1;
  }
  return result;
}

export const usernameSkeletons: Migration = {
  name: '006-username-skeletons',
  async up({ db, log }) {
    const { filled, collisions } = await backfillUsernameSkeletons(db);
    for (const c of collisions) {
      log.warn(
        { userId: c.userId, username: c.username, sameAs: c.sameAs },
        'username looks the same as an older account’s; it keeps its name, but may not take another alike one — ask one of them to rename',
      );
    }
    log.info({ filled, collisions: collisions.length }, 'username skeletons filled in');
  },
};
