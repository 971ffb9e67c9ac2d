import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import express, { type Response, type Router } from 'express';
import { Id } from '@shared/api/common';
import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import type { EmbedAccess } from './embed.service';

/**
 * `frame-ancestors` for one widget: exactly the guild's allowed origins, or 'none' when it lists none or the channel is
 * not a guild voice channel. The widget's own origin is not added: the web client never frames it.
 */
export function frameAncestors(access: Pick<EmbedAccess, 'allowedOrigins'> | null): string {
  return access && access.allowedOrigins.length > 0 ? access.allowedOrigins.join(' ') : "'none'";
}

/** helmet's policy for this response with its frame-ancestors directive replaced (or added). */
export function withFrameAncestors(policy: string, ancestors: string): string {
  const directives = policy
    .split(';')
    .map((d) => d.trim())
    .filter((d) => d && !/^frame-ancestors(\s|$)/i.test(d));
  return [...directives, `frame-ancestors ${ancestors}`].join(';');
}

const escapeAttribute = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * What the widget's script reads from `<meta name="parley-embed">`: the origins it may talk to over postMessage, and
 * what a guest may do (the token route decides again). The channel's name only when guests may join it.
 */
export function pageInfo(access: EmbedAccess): { origins: string[]; guestAccess: 'off' | 'listen' | 'speak'; channelName: string | null } {
  const guests = access.guestAccess !== 'off' && access.allowedOrigins.length > 0 && access.everyone.connect;
  const guestAccess = !guests ? 'off' : access.guestAccess === 'speak' && access.everyone.speak ? 'speak' : 'listen';
  return { origins: access.allowedOrigins, guestAccess, channelName: guests ? access.channel.name : null };
}

export function fillPage(html: string, access: EmbedAccess): string {
  const content = escapeAttribute(JSON.stringify(pageInfo(access)));
  return html.replace(/(<meta name="parley-embed" content=")[^"]*(")/, (_m, open: string, close: string) => `${open}${content}${close}`);
}

function setFraming(res: Response, ancestors: string): void {
  const policy = res.getHeader('Content-Security-Policy');
  res.setHeader('Content-Security-Policy', withFrameAncestors(typeof policy === 'string' ? policy : "default-src 'self'", ancestors));
  // helmet's X-Frame-Options: SAMEORIGIN would contradict the list (browsers that know frame-ancestors ignore it,
  // others would refuse every allowed origin); frame-ancestors alone decides.
  res.removeHeader('X-Frame-Options');
  // The policy follows the guild's settings: never reuse a stored copy.
  res.setHeader('Cache-Control', 'no-store');
}

/**
 * GET /embed/voice/:channelId: the voice widget's HTML (the web build's embed.html, its script under /app/assets),
 * framable only by the guild's allowed origins. Mounted at the app's root, outside /api/v1.
 */
export function createEmbedPageRouter(deps: {
  webDir: string;
  access: (channelId: string) => Promise<EmbedAccess | null>;
  log: Logger;
}): Router {
  const router = express.Router();
  const file = resolve(deps.webDir, 'embed.html');
  let html: string | null = null;
  router.get('/voice/:channelId', async (req, res) => {
    const channelId = Id.safeParse(req.params.channelId);
    if (!channelId.success) throw AppError.notFound('Channel');
    const access = await deps.access(channelId.data);
    setFraming(res, frameAncestors(access));
    if (!access) throw AppError.notFound('Channel');
    try {
      html ??= await readFile(file, 'utf8');
    } catch (err) {
      deps.log.error({ err, file }, 'embed page missing from the web build');
      throw AppError.notFound('Page');
    }
    res.type('html').send(fillPage(html, access));
  });
  return router;
}
