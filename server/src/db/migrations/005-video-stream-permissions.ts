import { Permission } from '@shared/permissions/permissions';
import { grantToEveryoneRoles } from './grant-to-everyone';
import type { Migration } from './index';

/**
 * VIDEO (camera) and STREAM (screen share) are new with video in voice (issue 17) and on by default for @everyone, as
 * Discord's Video permission is: give both to the @everyone role of every existing guild, so its members can turn on a
 * camera or go live where they can already speak. Other roles and channel overwrites are left alone (a channel that
 * should stay audio-only denies them there).
 */
export const videoStreamPermissions: Migration = {
  name: '005-video-stream-permissions',
  async up({ db }) {
    await grantToEveryoneRoles(db, Permission.VIDEO | Permission.STREAM);
  },
};
