import express, { type Request, type Response } from 'express';
import { AppError } from '../errors';

/**
 * Reads a route's raw body of one of `types`, at most `maxBytes`, once the route's auth and permission checks passed.
 * The app's JSON parser leaves such bodies unread (it only takes application/json). A body over the limit is answered
 * 413 PAYLOAD_TOO_LARGE (by Content-Length before reading, or while reading), another Content-Type 415.
 */
export function binaryBodyReader(types: readonly string[], maxBytes: number) {
  const parse = express.raw({ type: [...types], limit: maxBytes });
  return (req: Request, res: Response): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      parse(req, res, (err?: unknown) => {
        if (err) return reject(err instanceof Error ? err : new Error(String(err)));
        const body: unknown = req.body;
        if (!Buffer.isBuffer(body))
          return reject(new AppError('UNSUPPORTED_MEDIA_TYPE', `Send the image as the body, with Content-Type ${types.join(', ')}`));
        resolve(body);
      });
    });
}
