import { IMAGE_UPLOAD_MAX_BYTES, IMAGE_UPLOAD_TYPES } from '@shared/api/images';
import { routes } from '@shared/api/routes';
import type { Response } from 'express';
import { binaryBodyReader } from '../../http/binary-body';
import type { ModuleContext, ServerModule } from '../context';
import { profileAnnouncer } from '../users/announce-profile';
import type { ImageRecord } from './images.repo';
import { createImagesService } from './images.service';

/**
 * The image's URL holds its content hash, so its bytes never change: browsers keep it for a year without asking again,
 * and a new avatar is a new URL. CORP cross-origin because the desktop renderer is another origin than the server
 * (helmet's default, same-origin, would make Chromium refuse to show it there).
 */
function sendImage(res: Response, image: ImageRecord): void {
  res.setHeader('Content-Type', image.contentType);
  res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  res.setHeader('Content-Length', String(image.data.length));
  res.status(200).end(image.data);
}

/** Avatars (PUT/DELETE /users/@me/avatar) and guild icons (PUT/DELETE /guilds/:guildId/icon), and serving both. */
export function imagesModule(ctx: ModuleContext): ServerModule {
  const service = createImagesService({
    repos: ctx.repos,
    cachedReads: ctx.cachedReads,
    permissions: ctx.permissions,
    gateway: ctx.gateway,
    audit: ctx.audit,
    clock: ctx.clock,
    log: ctx.log,
    announceProfile: profileAnnouncer({ guilds: ctx.repos.guilds, gateway: ctx.gateway }),
  });
  const readImage = binaryBodyReader(IMAGE_UPLOAD_TYPES, IMAGE_UPLOAD_MAX_BYTES);
  const api = ctx.createApiRouter();
  api.handle(routes.setMyAvatar, ({ userId, req, res }) => service.uploadAvatar(userId, () => readImage(req, res)));
  api.handle(routes.removeMyAvatar, ({ userId }) => service.removeAvatar(userId));
  api.handle(routes.setGuildIcon, ({ userId, params, req, res }) => service.uploadIcon(userId, params.guildId, () => readImage(req, res)));
  api.handle(routes.removeGuildIcon, ({ userId, params }) => service.removeIcon(userId, params.guildId));
  // Public (no Bearer token): an <img> cannot send one. The 128-bit content hash in the URL is known only to those
  // who were given the user or guild, and a replaced image answers 404.
  api.handleRaw(routes.getUserAvatar, async ({ params, res }) => sendImage(res, await service.avatarFile(params.userId, params.hash)));
  api.handleRaw(routes.getGuildIcon, async ({ params, res }) => sendImage(res, await service.iconFile(params.guildId, params.hash)));
  return { name: 'images', api };
}
