import type { Migration } from './index';

/**
 * Parley 0.1 kept `user_guilds` (user id → guild ids), a superset index of memberships built because the FerretDB
 * stand-in scans for any query but `{ _id }`. MongoDB answers `members.find({ userId })` from the `user` index, so the
 * members collection is the only record of memberships now. Also removes that collection's "backfilled" marker, which
 * it kept in the `migrations` collection umzug now owns.
 */
export const dropUserGuilds: Migration = {
  name: '002-drop-user-guilds',
  async up({ db }) {
    if ((await db.listCollections({ name: 'user_guilds' }, { nameOnly: true }).toArray()).length) await db.collection('user_guilds').drop();
    await db.collection<{ _id: string }>('migrations').deleteOne({ _id: 'user_guilds' });
  },
};
