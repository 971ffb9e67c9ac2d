import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { addReactionsPermission } from '../../server/src/db/migrations/003-add-reactions-permission';
import { attachFilesPermission } from '../../server/src/db/migrations/004-attach-files-permission';
import type { Migration } from '../../server/src/db/migrations/index';
import { createLogger } from '../../server/src/logger';
import { Permission } from '../../src-shared/permissions/permissions';
import { useTestDatabase } from '../support/database';

/** Migrations 003 and 004: guilds made before a bit existed get it on @everyone, and nothing else changes. */
describe.each([
  { migration: addReactionsPermission, bit: 'ADD_REACTIONS', database: 'parley_test_migration_003' },
  { migration: attachFilesPermission, bit: 'ATTACH_FILES', database: 'parley_test_migration_004' },
] as { migration: Migration; bit: 'ADD_REACTIONS' | 'ATTACH_FILES'; database: string }[])(
  'migration $migration.name: $bit for @everyone',
  ({ migration, bit, database }) => {
    const { db } = useTestDatabase(database);

    it(`when it runs, then every @everyone role gains ${bit} and other roles keep their bits`, async () => {
      const roles = db().collection<{ _id: ObjectId; guildId: string; name: string; permissions: number }>('roles');
      const guildA = new ObjectId();
      const guildB = new ObjectId();
      const mods = new ObjectId();
      const before = Permission.VIEW_CHANNEL | Permission.SEND_MESSAGES;
      await roles.insertMany([
        { _id: guildA, guildId: guildA.toHexString(), name: '@everyone', permissions: before },
        { _id: guildB, guildId: guildB.toHexString(), name: '@everyone', permissions: 0 },
        { _id: mods, guildId: guildA.toHexString(), name: 'mods', permissions: Permission.MANAGE_MESSAGES },
      ]);
      await migration.up({ db: db(), log: createLogger('silent') });
      const after = new Map((await roles.find({}).toArray()).map((r) => [r._id.toHexString(), r.permissions]));
      expect(after.get(guildA.toHexString())).toBe(before | Permission[bit]);
      expect(after.get(guildB.toHexString())).toBe(Permission[bit]);
      expect(after.get(mods.toHexString())).toBe(Permission.MANAGE_MESSAGES);
    });
  },
);
