/**
 * Serves the web client build (vite.web.config.ts → WEB_DIR) at /app:
 * - `assets/*` carry a content hash in their names, so they are cached for a year and never revalidated (`immutable`);
 *   index.html (and the SPA fallback) is `no-cache`, so a deploy is picked up on the next load.
 * - Files are sent precompressed (the build writes `.br` and `.gz` copies, scripts/build/precompress.ts): the best
 *   encoding the request accepts, with `Vary: Accept-Encoding` and the original file's Content-Type.
 * - `/app` itself answers with the app (no redirect to `/app/`): the build's asset URLs are absolute (`/app/assets/…`).
 * - Unknown paths that look like files (an extension, or under assets/) are 404; other paths are client routes and get
 *   index.html.
 */
import { statSync } from 'node:fs';
import { extname, resolve, sep } from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { AppError } from '../errors';

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const NO_CACHE = 'no-cache';
/** Unhashed files other than index.html (favicon, app icons, manifest): short enough that a new icon shows within the hour. */
export const SHORT_CACHE = 'public, max-age=3600';

export type Encoding = 'br' | 'gzip';
const SUFFIX: Record<Encoding, string> = { br: '.br', gzip: '.gz' };

/**
 * The encoding to send, given the request's Accept-Encoding and the copies that exist: brotli before gzip at equal
 * quality, never one the client gave q=0 (explicitly or through `*;q=0`). Null means identity.
 */
export function pickEncoding(acceptEncoding: string | undefined, available: readonly Encoding[]): Encoding | null {
  if (!acceptEncoding || available.length === 0) return null;
  const q = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [rawName = '', ...params] = part.split(';');
    const name = rawName.trim().toLowerCase();
    if (!name) continue;
    let quality = 1;
    for (const param of params) {
      const [key, value] = param.split('=').map((s) => s.trim());
      if (key?.toLowerCase() === 'q' && value !== undefined) quality = Number.isFinite(Number(value)) ? Number(value) : 0;
    }
    q.set(name, quality);
  }
  const qualityOf = (encoding: Encoding) => q.get(encoding) ?? (encoding === 'gzip' ? q.get('x-gzip') : undefined) ?? q.get('*') ?? 0;
  let best: Encoding | null = null;
  for (const encoding of ['br', 'gzip'] as const) {
    if (!available.includes(encoding)) continue;
    const quality = qualityOf(encoding);
    if (quality > 0 && (best === null || quality > qualityOf(best))) best = encoding;
  }
  return best;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function cacheControlFor(relative: string): string {
  if (relative === 'index.html') return NO_CACHE;
  if (relative.startsWith('assets/')) return IMMUTABLE;
  return SHORT_CACHE;
}

/** The router to mount at /app. Unknown files fall through to `next()` (the 404 handler). */
export function webClient(webDir: string): Router {
  const root = resolve(webDir);
  const router = express.Router();

  function send(req: Request, res: Response, next: NextFunction, relative: string): void {
    const file = resolve(root, relative);
    const available = (['br', 'gzip'] as const).filter((encoding) => isFile(file + SUFFIX[encoding]));
    const encoding = pickEncoding(req.get('accept-encoding'), available);
    const headers: Record<string, string> = { 'Cache-Control': cacheControlFor(relative) };
    if (available.length > 0) headers.Vary = 'Accept-Encoding';
    if (encoding) headers['Content-Encoding'] = encoding;
    // The original's type (send would take it from the .br/.gz suffix otherwise; it keeps a Content-Type already set).
    res.type(extname(file));
    res.sendFile(
      encoding ? relative + SUFFIX[encoding] : relative,
      // Relative to `root`, so only the part below WEB_DIR is checked for dotfiles. A byte range of a compressed copy
      // is not a range of the file the client asked for: compressed copies go whole.
      { root, headers, cacheControl: false, acceptRanges: encoding === null },
      (err?: Error & { status?: number; code?: string }) => {
        if (!err || res.headersSent) return;
        res.removeHeader('Content-Type');
        next(err.status === 404 || err.code === 'ENOENT' ? undefined : err);
      },
    );
  }

  router.get('/{*path}', (req, res, next) => {
    let relative: string;
    try {
      relative = decodeURIComponent(req.path).replace(/^\/+/, '');
    } catch {
      return next();
    }
    const notBuilt = () => next(new AppError('NOT_FOUND', 'Web client not built (run npm run build)'));
    if (relative === '' || relative === 'index.html') {
      if (!isFile(resolve(root, 'index.html'))) return notBuilt();
      return send(req, res, next, 'index.html');
    }
    const file = resolve(root, relative);
    const inside = file.startsWith(root + sep);
    const hidden = relative.split('/').some((segment) => segment.startsWith('.'));
    // The precompressed copies are an implementation detail of this handler, not URLs of their own.
    const compressedCopy = relative.endsWith('.br') || relative.endsWith('.gz');
    if (inside && !hidden && !compressedCopy && isFile(file)) return send(req, res, next, relative);
    // A missing file (a stale hashed asset after a deploy, a mistyped icon) is a 404: index.html in its place would be
    // parsed as a script or an image and fail in a confusing way.
    const lastSegment = relative.split('/').pop() ?? '';
    if (relative.startsWith('assets/') || extname(lastSegment) !== '') return next();
    // Any other path is a client-side route: the app decides.
    if (!isFile(resolve(root, 'index.html'))) return notBuilt();
    send(req, res, next, 'index.html');
  });
  return router;
}
