import type { Db, ObjectId } from 'mongodb';
import { oid } from '../../db/ids';
import { ensureCollectionIndexes } from '../../db/indexes';
import { isDuplicateKey } from '../../db/errors';
import { usernameSkeleton } from './username-skeleton';
import type { UserStatus } from '@shared/api/users';
import { DEFAULT_CONTACT_PRIVACY, type ContactPrivacy } from '@shared/api/relationships';

interface UserDoc {
  _id: ObjectId;
  username: string;
  usernameLower: string;
  /** usernameSkeleton(username): unique, so no two accounts hold names that look alike (migration 006 filled it in). */
  usernameSkeleton: string;
  displayName: string;
  passwordHash: string;
  createdAt: Date;
  /** Content hash of the avatar in `images` (absent on accounts from before avatars: none). */
  avatar?: string | null;
  /** Set by an admin (`npm run admin -- disable-user`): no login, no refresh, access tokens refused. */
  disabledAt?: Date | null;
  /** Set when the account was deleted: the document stays as an anonymous tombstone so messages keep an author id. */
  deletedAt?: Date | null;
  /** The status the user chose (absent: online). */
  status?: UserStatus;
  /** Who may DM or call this user (absent: DEFAULT_CONTACT_PRIVACY). */
  dmsAndCallsFrom?: ContactPrivacy;
  /** Ring with a call-waiting prompt while in a call or a voice channel, instead of answering busy (absent: false). */
  callWaiting?: boolean;
  /** A bot account (modules/bots): no password, authenticates with its token only, owned by `ownerId`. */
  bot?: boolean;
  ownerId?: string | null;
}

export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  passwordHash: string;
  avatar: string | null;
  createdAt: Date;
  disabledAt: Date | null;
  deletedAt: Date | null;
  status: UserStatus;
  dmsAndCallsFrom: ContactPrivacy;
  callWaiting: boolean;
  bot: boolean;
  /** The user who owns this bot; null for people. */
  ownerId: string | null;
}

const toRecord = (d: UserDoc): UserRecord => ({
  id: d._id.toHexString(),
  username: d.username,
  displayName: d.displayName,
  passwordHash: d.passwordHash,
  avatar: d.avatar ?? null,
  createdAt: d.createdAt,
  disabledAt: d.disabledAt ?? null,
  deletedAt: d.deletedAt ?? null,
  status: d.status ?? 'online',
  dmsAndCallsFrom: d.dmsAndCallsFrom ?? DEFAULT_CONTACT_PRIVACY,
  callWaiting: d.callWaiting ?? false,
  bot: d.bot ?? false,
  ownerId: d.ownerId ?? null,
});

/**
 * The unique `usernameLower` of a deleted account: 33 characters with a `#`, so no registration (2–32 of
 * `[A-Za-z0-9_.-]`) and no login lookup (≤ 32 characters) can ever match it, while the old name is free again.
 */
export const deletedUsernameKey = (id: string) => `#deleted:${id}`;

export type UserUpdate = Partial<
  Pick<
    UserDoc,
    | 'username'
    | 'usernameLower'
    | 'usernameSkeleton'
    | 'displayName'
    | 'passwordHash'
    | 'avatar'
    | 'disabledAt'
    | 'deletedAt'
    | 'status'
    | 'dmsAndCallsFrom'
    | 'callWaiting'
  >
>;

/**
 * The fields that turn an account into a tombstone, written in one document update: the name is freed (see
 * deletedUsernameKey), the password hash and profile are removed, `deletedAt` is set; it then shows as `shownAs`
 * (views.ts deletedUser) wherever its id appears.
 */
export function anonymisedUser(id: string, at: Date, shownAs: { username: string; displayName: string }): UserUpdate {
  return {
    username: shownAs.username,
    usernameLower: deletedUsernameKey(id),
    usernameSkeleton: deletedUsernameKey(id),
    displayName: shownAs.displayName,
    passwordHash: '',
    avatar: null,
    deletedAt: at,
  };
}

export type UsersRepo = ReturnType<typeof createUsersRepo>;

export function createUsersRepo(db: Db) {
  const users = db.collection<UserDoc>('users');
  return {
    async ensureIndexes(): Promise<void> {
      await ensureCollectionIndexes(db, 'users', [
        { key: { usernameLower: 1 }, unique: true, name: 'username_unique' },
        { key: { usernameSkeleton: 1 }, unique: true, name: 'username_skeleton_unique' },
        { key: { ownerId: 1 }, name: 'bot_owner' },
      ]);
    },

    /**
     * `null` when the username is taken: in any case, or by a name that looks the same (the unique indexes on
     * `usernameLower` and `usernameSkeleton` decide, so two registrations of alike names cannot both win).
     */
    async insert(u: {
      id: string;
      username: string;
      displayName: string;
      passwordHash: string;
      createdAt: Date;
      /** A bot account owned by this user (see modules/bots). */
      botOwnerId?: string;
    }): Promise<UserRecord | null> {
      const doc: UserDoc = {
        _id: oid(u.id),
        username: u.username,
        usernameLower: u.username.toLowerCase(),
        usernameSkeleton: usernameSkeleton(u.username),
        displayName: u.displayName,
        passwordHash: u.passwordHash,
        createdAt: u.createdAt,
        ...(u.botOwnerId ? { bot: true, ownerId: u.botOwnerId } : {}),
      };
      try {
        await users.insertOne(doc);
      } catch (err) {
        if (isDuplicateKey(err)) return null;
        throw err;
      }
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
    /**
     * Every write to a user record goes through here or `rename`: db/repos.ts wraps both so the record cache (and with it
     * the access-token account check) is cleared on every instance before the caller answers.
     */
    async update(id: string, set: UserUpdate): Promise<UserRecord | null> {
      const d = await users.findOneAndUpdate({ _id: oid(id) }, { $set: set }, { returnDocument: 'after' });
      return d ? toRecord(d) : null;
    },
    /**
     * Renames the account (with the rest of `set`, in one document write); `'taken'` when another account holds the name
     * in any case or a name that looks the same (the unique `usernameLower` and `usernameSkeleton` indexes decide, so two
     * renames to alike names cannot both win).
     */
    async rename(id: string, username: string, set: UserUpdate = {}): Promise<UserRecord | 'taken' | null> {
      const usernameLower = username.toLowerCase();
      const skeleton = usernameSkeleton(username);
      const holder = await users.findOne({ _id: { $ne: oid(id) }, $or: [{ usernameSkeleton: skeleton }, { usernameLower }] });
      if (holder) return 'taken';
      try {
        await users.updateOne({ _id: oid(id) }, { $set: { ...set, username, usernameLower, usernameSkeleton: skeleton } });
      } catch (err) {
        if (isDuplicateKey(err)) return 'taken';
        throw err;
      }
      const d = await users.findOne({ _id: oid(id) });
      return d ? toRecord(d) : null;
    },
    /** The live (not deleted) bot accounts `ownerId` owns, oldest first. */
    async listBotsOf(ownerId: string): Promise<UserRecord[]> {
      const docs = await users.find({ ownerId, bot: true }).sort({ _id: 1 }).toArray();
      return docs.map(toRecord).filter((u) => !u.deletedAt);
    },
    count: () => users.countDocuments(),
  };
}
