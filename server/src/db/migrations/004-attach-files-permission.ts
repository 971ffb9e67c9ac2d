import { Permission } from '@shared/permissions/permissions';
import type { ObjectId } from 'mongodb';
import type { Migration } from './index';

/**
 * ATTACH_FILES is new with attachments, and on by default for @everyone (as in Discord): give it to the @everyone role
 * (whose id is its guild's id) of every existing guild, so members can attach files where they could already send
 * messages. Other roles and channel overwrites are left alone.
 */
export const attachFilesPermission: Migration = {
  name: '004-attach-files-permission',
  async up({ db }) {
    const roles = db.collection<{ _id: ObjectId; guildId: string; permissions: number }>('roles');
    for await (const role of roles.find({}, { projection: { _id: 1, guildId: 1, permissions: 1 } })) {
      if (role._id.toHexString() !== role.guildId) continue;
      await roles.updateOne(
        { _id: role._id, permissions: role.permissions },
        { $set: { permissions: role.permissions | Permission.ATTACH_FILES } },
      );
    }
  },
};
