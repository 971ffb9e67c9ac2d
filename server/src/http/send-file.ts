import { basename, dirname } from 'node:path';
import type { Request, Response } from 'express';
import { AppError, errorBody } from '../errors';

interface SendError extends Error {
  status?: number;
  headers?: Record<string, string>;
}

/**
 * Sends a local file with `headers`. send (via Express) answers Range / If-Range / conditional GETs with 206 / 304
 * from the file itself; an unsatisfiable range (416) or a failed If-Match / If-Unmodified-Since (412) becomes our error
 * body with that status, a vanished file 404 "<what> not found".
 *
 * Relative to its own folder: `dotfiles: 'deny'` then judges only the file name, not the storage directory (whose
 * defaults, e.g. .stack/recordings, have a dot folder in them and made every local download a 500).
 */
export function sendLocalFile(req: Request, res: Response, path: string, headers: Record<string, string>, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    res.sendFile(
      basename(path),
      { root: dirname(path), headers, acceptRanges: true, lastModified: true, cacheControl: false, dotfiles: 'deny' },
      (err: SendError | undefined) => {
        if (!err || res.headersSent) return resolve();
        if (err.status === 416 || err.status === 412) {
          for (const [name, value] of Object.entries(err.headers ?? {})) res.setHeader(name, value);
          const message = err.status === 416 ? 'Requested range not satisfiable' : 'Precondition failed';
          res.status(err.status).json(errorBody('VALIDATION_FAILED', message, String(req.id ?? 'unknown')));
          return resolve();
        }
        if (err.status === 404) return reject(AppError.notFound(what));
        reject(err);
      },
    );
  });
}
