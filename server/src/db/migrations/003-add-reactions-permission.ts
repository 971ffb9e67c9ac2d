import { Permission } from '@shared/permissions/permissions';
import { grantToEveryoneRoles } from './grant-to-everyone';
import type { Migration } from './index';

/**
 * ADD_REACTIONS is new with reactions, and on by default for @everyone (as in Discord): give it to the @everyone role
 * (whose id is its guild's id) of every existing guild, so members can react where they could before the bit existed.
 * Other roles and channel overwrites are left alone.
 */
export const addReactionsPermission: Migration = {
  name: '003-add-reactions-permission',
  async up({ db }) {
    await grantToEveryoneRoles(db, Permission.ADD_REACTIONS);
  },
};
