import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { addReactionsPermission } from '../../server/src/db/migrations/003-add-reactions-permission';
import { attachFilesPermission } from '../../server/src/db/migrations/004-attach-files-permission';
import { videoStreamPermissions } from '../../server/src/db/migrations/005-video-stream-permissions';
import type { Migration } from '../../server/src/db/migrations/index';
import { createLogger } from '../../server/src/logger';
import { Permission } from '../../src-shared/permissions/permissions';
import { useTestDatabase } from '../support/database';

/** Migrations 003, 004 and 005: guilds made before a bit existed get it on @everyone, and nothing else changes. */
describe.each([
  { migration: addReactionsPermission, bits: ['ADD_REACTIONS'], database: 'parley_test_migration_003' },
  { migration: attachFilesPermission, bits: ['ATTACH_FILES'], database: 'parley_test_migration_004' },
  { migration: videoStreamPermissions, bits: ['VIDEO', 'STREAM'], database: 'parley_test_migration_005' },
] as { migration: Migration; bits: (keyof typeof Permission)[]; database: string }[])(
  'migration $migration.name: $bits for @everyone',
  ({ migration, bits, database }) => {
    const bit = bits.reduce((all, name) => all | Permission[name], 0);
    const { db } = useTestDatabase(database);

    it(`when it runs (twice), then every @everyone role gains ${bits.join(' and ')} and other roles keep their bits`, async () => {
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
      // Idempotent: a second run (umzug records each once, but a crash before it records one reruns it) adds nothing.
      await migration.up({ db: db(), log: createLogger('silent') });
      const after = new Map((await roles.find({}).toArray()).map((r) => [r._id.toHexString(), r.permissions]));
      expect(after.get(guildA.toHexString())).toBe(before | bit);
      expect(after.get(guildB.toHexString())).toBe(bit);
      expect(after.get(mods.toHexString())).toBe(Permission.MANAGE_MESSAGES);
    });
  },
);
