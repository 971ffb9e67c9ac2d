import type { Guild } from '@shared/api/guilds';
import type { User } from '@shared/api/users';
import type { Clock } from '../../clock';
import type { CachedReads, Repos } from '../../db/repos';
import { AppError } from '../../errors';
import type { GatewayPublisher } from '../../gateway/gateway';
import { guildView, userView } from '../../http/views';
import type { Logger } from '../../logger';
import type { PermissionService } from '../../permissions/permission.service';
import type { AuditService } from '../audit/audit.service';
import type { UserRecord } from '../users/users.repo';
import { processImage } from './image-pipeline';
import type { ImageRecord } from './images.repo';

/**
 * How long a just-stored image is spared by the clean-up of the owner's old images: long enough for the request that
 * stored it to make it current (see ImagesRepo.deleteStale).
 */
export const STALE_IMAGE_GRACE_MS = 60_000;

export type ImagesService = ReturnType<typeof createImagesService>;

/** Avatars and guild icons: store, make current, announce, clean up; serve the current one. */
export function createImagesService(deps: {
  repos: Repos;
  cachedReads: CachedReads;
  permissions: PermissionService;
  gateway: GatewayPublisher;
  audit: AuditService;
  clock: Clock;
  log: Logger;
  /** Tells everyone sharing a guild with the user that their profile changed (MEMBER_UPDATE, as for display names). */
  announceProfile: (user: UserRecord) => Promise<void>;
}) {
  const { repos, cachedReads, permissions, gateway, audit, clock, log } = deps;

  async function liveUser(userId: string): Promise<UserRecord> {
    const user = await repos.users.findById(userId);
    if (!user || user.deletedAt) throw new AppError('UNAUTHENTICATED', 'Account no longer exists');
    return user;
  }

  /** Old images of the owner go once the new one is current; a failure here only leaves an unreachable image behind. */
  async function cleanUp(kind: 'avatar' | 'icon', ownerId: string, keep: string | null): Promise<void> {
    try {
      await repos.images.deleteStale(kind, ownerId, keep, new Date(clock.now().getTime() - STALE_IMAGE_GRACE_MS));
    } catch (err) {
      log.warn({ err, kind, ownerId }, 'old images not cleaned up');
    }
  }

  async function setAvatar(userId: string, avatar: string | null, before: UserRecord): Promise<User> {
    const updated = before.avatar === avatar ? before : await repos.users.update(userId, { avatar });
    if (!updated) throw new AppError('UNAUTHENTICATED', 'Account no longer exists');
    if (before.avatar !== avatar) await deps.announceProfile(updated);
    await cleanUp('avatar', userId, avatar);
    return userView(updated);
  }

  async function setIcon(userId: string, guildId: string, icon: string | null, before: string | null): Promise<Guild> {
    const updated = await repos.guilds.updateGuild(guildId, { icon });
    if (!updated) throw AppError.notFound('Guild');
    if (before !== icon) {
      await audit.record({ guildId, action: 'guild.update', actorId: userId, targetId: guildId, details: { icon } });
      await gateway.publishToGuild(guildId, 'GUILD_UPDATE', guildView(updated));
    }
    await cleanUp('icon', guildId, icon);
    return guildView(updated);
  }

  return {
    /** `readBody` runs only after the caller is known to be allowed, so refused uploads are never decoded. */
    async uploadAvatar(userId: string, readBody: () => Promise<Buffer>): Promise<User> {
      const user = await liveUser(userId);
      const image = await processImage(await readBody());
      await repos.images.put({
        kind: 'avatar',
        ownerId: userId,
        hash: image.hash,
        contentType: 'image/webp',
        data: image.data,
        createdAt: clock.now(),
      });
      log.info({ userId, hash: image.hash }, 'avatar set');
      return setAvatar(userId, image.hash, user);
    },

    async removeAvatar(userId: string): Promise<User> {
      return setAvatar(userId, null, await liveUser(userId));
    },

    async uploadIcon(userId: string, guildId: string, readBody: () => Promise<Buffer>): Promise<Guild> {
      const { guild } = await permissions.requireGuildPermission(userId, guildId, 'MANAGE_GUILD');
      const image = await processImage(await readBody());
      await repos.images.put({
        kind: 'icon',
        ownerId: guildId,
        hash: image.hash,
        contentType: 'image/webp',
        data: image.data,
        createdAt: clock.now(),
      });
      log.info({ userId, guildId, hash: image.hash }, 'guild icon set');
      return setIcon(userId, guildId, image.hash, guild.icon);
    },

    async removeIcon(userId: string, guildId: string): Promise<Guild> {
      const { guild } = await permissions.requireGuildPermission(userId, guildId, 'MANAGE_GUILD');
      return setIcon(userId, guildId, null, guild.icon);
    },

    /** The user's current avatar when `hash` names it; 404 for a replaced one (or an unknown user). */
    async avatarFile(userId: string, hash: string): Promise<ImageRecord> {
      const user = await cachedReads.users.findById(userId);
      const image = user && !user.deletedAt && user.avatar === hash ? await repos.images.find('avatar', userId, hash) : null;
      if (!image) throw AppError.notFound('Avatar');
      return image;
    },

    async iconFile(guildId: string, hash: string): Promise<ImageRecord> {
      const guild = await cachedReads.guilds.findGuild(guildId);
      const image = guild?.icon === hash ? await repos.images.find('icon', guildId, hash) : null;
      if (!image) throw AppError.notFound('Icon');
      return image;
    },
  };
}
