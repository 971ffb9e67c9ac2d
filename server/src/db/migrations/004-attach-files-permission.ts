import { Permission } from '@shared/permissions/permissions';
import { grantToEveryoneRoles } from './grant-to-everyone';
import type { Migration } from './index';

/**
 * ATTACH_FILES is new with attachments, and on by default for @everyone (as in Discord): give it to the @everyone role
 * (whose id is its guild's id) of every existing guild, so members can attach files where they could already send
 * messages. Other roles and channel overwrites are left alone.
 */
export const attachFilesPermission: Migration = {
  name: '004-attach-files-permission',
  async up({ db }) {
    await grantToEveryoneRoles(db, Permission.ATTACH_FILES);
  },
};
