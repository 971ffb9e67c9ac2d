import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { attachFilesPermission } from '../../server/src/db/migrations/004-attach-files-permission';
import { createLogger } from '../../server/src/logger';
import { Permission } from '../../src-shared/permissions/permissions';
import { useTestDatabase } from '../support/database';

/** Migration 004: guilds made before ATTACH_FILES existed get it on @everyone, and nothing else changes. */
describe('migration 004: ATTACH_FILES for @everyone', () => {
  const { db } = useTestDatabase('parley_test_migration_004');

  it('when it runs, then every @everyone role gains ATTACH_FILES and other roles keep their bits', async () => {
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
    await attachFilesPermission.up({ db: db(), log: createLogger('silent') });
    const after = new Map((await roles.find({}).toArray()).map((r) => [r._id.toHexString(), r.permissions]));
    expect(after.get(guildA.toHexString())).toBe(before | Permission.ATTACH_FILES);
    expect(after.get(guildB.toHexString())).toBe(Permission.ATTACH_FILES);
    expect(after.get(mods.toHexString())).toBe(Permission.MANAGE_MESSAGES);
  });
});
