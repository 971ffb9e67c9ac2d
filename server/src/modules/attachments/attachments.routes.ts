import { attachmentRoutes } from '@shared/api/attachments';
import express, { type Request, type Response } from 'express';
import { AppError } from '../../errors';
import type { ApiRouter } from '../../http/api-router';
import { sendLocalFile } from '../../http/send-file';
import type { AttachmentFile, AttachmentsService } from './attachments.service';

/**
 * The upload's raw body, whatever its Content-Type (the bytes decide what it is), at most `maxBytes`: past it, 413
 * PAYLOAD_TOO_LARGE (from Content-Length before reading anything, when it is given).
 */
function readUpload(req: Request, res: Response, maxBytes: number): Promise<Buffer> {
  const parse = express.raw({ type: () => true, limit: maxBytes });
  return new Promise((resolve, reject) => {
    parse(req, res, (err?: unknown) => {
      if (err) return reject(err instanceof Error ? err : new Error(String(err)));
      const body: unknown = req.body;
      if (!Buffer.isBuffer(body))
        return reject(new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as the raw body, with Content-Type application/octet-stream'));
      resolve(body);
    });
  });
}

async function sendAttachment(req: Request, res: Response, file: AttachmentFile): Promise<void> {
  // The URL carries a ticket: never pass it on to another site.
  res.setHeader('Referrer-Policy', 'no-referrer');
  // The desktop renderer is another origin: let its <img>/<audio> load the bytes (access is the ticket's business).
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (file.kind === 'redirect') {
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(302, file.url);
    return;
  }
  // Even if a browser were talked into rendering a file as a document, it runs no script and loads nothing.
  res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
  await sendLocalFile(req, res, file.path, { ...file.headers, 'Cache-Control': 'private, max-age=3600' }, 'Attachment');
}

export function registerAttachmentRoutes(api: ApiRouter, service: AttachmentsService): ApiRouter {
  const r = attachmentRoutes;
  api.handle(r.uploadAttachment, ({ userId, params, query, req, res }) =>
    service.upload(userId, params.channelId, query.filename, (maxBytes) => readUpload(req, res, maxBytes)),
  );
  api.handle(r.createAttachmentTicket, ({ userId, params }) => service.ticket(userId, params.channelId));
  // <img>, <audio> and download links cannot send a Bearer header: a per-channel ticket in the URL instead.
  api.handleRaw(r.getAttachmentFile, async ({ params, query, req, res }) => {
    await sendAttachment(
      req,
      res,
      await service.file(query.ticket, params.attachmentId, { thumb: query.thumb === '1', download: query.download === '1' }),
    );
  });
  api.handle(r.getAttachmentSettings, ({ userId, params }) => service.settings(userId, params.guildId));
  api.handle(r.updateAttachmentSettings, ({ userId, params, body }) => service.updateSettings(userId, params.guildId, body.maxBytes));
  return api;
}
