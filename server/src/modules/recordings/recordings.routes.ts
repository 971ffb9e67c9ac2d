import { recordingRoutes } from '@shared/api/recordings';
import { basename, dirname } from 'node:path';
import type { Request, Response } from 'express';
import { AppError, errorBody } from '../../errors';
import type { ApiRouter } from '../../http/api-router';
import type { RecordingsService } from './recordings.service';

interface SendError extends Error {
  status?: number;
  headers?: Record<string, string>;
}

function sendFile(req: Request, res: Response, path: string, headers: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    // send (via Express) answers Range / If-Range / conditional GETs with 206 / 304 from the file itself, and reports
    // an unsatisfiable range or a vanished file as an error for us to shape.
    // Relative to its own folder: `dotfiles: 'deny'` then judges only the file name, not RECORDINGS_DIR (whose default,
    // .stack/recordings, has a dot folder in it and made every local download a 500).
    res.sendFile(
      basename(path),
      { root: dirname(path), headers, acceptRanges: true, lastModified: true, cacheControl: false, dotfiles: 'deny' },
      (err: SendError | undefined) => {
        if (!err || res.headersSent) return resolve();
        if (err.status === 416) {
          for (const [name, value] of Object.entries(err.headers ?? {})) res.setHeader(name, value);
          res.status(416).json(errorBody('VALIDATION_FAILED', 'Requested range not satisfiable', String(req.id ?? 'unknown')));
          return resolve();
        }
        if (err.status === 404) return reject(AppError.notFound('Recording file'));
        reject(err);
      },
    );
  });
}

type FileTarget = Awaited<ReturnType<RecordingsService['file']>>;

async function sendTarget(req: Request, res: Response, target: FileTarget, download: boolean): Promise<void> {
  // The URL may carry a ticket: never pass it on to another site.
  res.setHeader('Referrer-Policy', 'no-referrer');
  // The desktop client's page is another origin than this server: let its <audio> element load the bytes (helmet's
  // default same-origin would block them). Access is decided by the ticket or Bearer token, not by the origin.
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  if (target.kind === 'redirect') {
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(302, target.url);
    return;
  }
  await sendFile(req, res, target.path, {
    'Content-Type': 'audio/ogg',
    'Content-Disposition': `${download ? 'attachment' : 'inline'}; filename="parley-recording-${target.rec.id}.ogg"`,
    // Authenticated content: never stored by shared caches.
    'Cache-Control': 'private, no-cache',
  });
}

export function registerRecordingRoutes(api: ApiRouter, service: RecordingsService): ApiRouter {
  const r = recordingRoutes;
  api.handle(r.startRecording, ({ userId, params }) => service.start(userId, params.channelId));
  api.handle(r.stopRecording, ({ userId, params }) => service.stop(userId, params.channelId, params.recordingId));
  api.handle(r.listChannelRecordings, async ({ userId, params }) => ({ items: await service.listChannel(userId, params.channelId) }));
  api.handle(r.listGuildRecordings, ({ userId, params, query }) => service.listGuild(userId, params.guildId, query));
  api.handle(r.getRecording, ({ userId, params }) => service.get(userId, params.recordingId));
  api.handle(r.deleteRecording, ({ userId, params }) => service.remove(userId, params.recordingId));
  api.handle(r.getRecordingSettings, ({ userId, params }) => service.getSettings(userId, params.guildId));
  api.handle(r.updateRecordingSettings, ({ userId, params, body }) => service.updateSettings(userId, params.guildId, body));

  api.handle(r.createRecordingFileTicket, ({ userId, params }) => service.fileTicket(userId, params.recordingId));

  // The file is bytes, not JSON: handleRaw parses params and query like every other route (unknown query keys → 400)
  // and lists the contract in OpenAPI, but leaves the response to us.
  api.handleRaw(r.getRecordingFile, async ({ userId, params, query, req, res }) => {
    await sendTarget(req, res, await service.file(userId, params.recordingId), query.download === '1');
  });
  // The same bytes for <audio> and download links, which cannot send a Bearer header: a file ticket instead.
  api.handleRaw(r.streamRecordingFile, async ({ params, query, req, res }) => {
    await sendTarget(req, res, await service.fileByTicket(query.ticket, params.recordingId), query.download === '1');
  });
  return api;
}
