import { RecordingParams, recordingRoutes } from '@shared/api/recordings';
import type { Request, RequestHandler, Response } from 'express';
import { AppError, errorBody, zodDetails } from '../../errors';
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
    res.sendFile(path, { headers, acceptRanges: true, lastModified: true, cacheControl: false, dotfiles: 'deny' }, (err: SendError | undefined) => {
      if (!err || res.headersSent) return resolve();
      if (err.status === 416) {
        for (const [name, value] of Object.entries(err.headers ?? {})) res.setHeader(name, value);
        res.status(416).json(errorBody('VALIDATION_FAILED', 'Requested range not satisfiable', String(req.id ?? 'unknown')));
        return resolve();
      }
      if (err.status === 404) return reject(AppError.notFound('Recording file'));
      reject(err);
    });
  });
}

export function registerRecordingRoutes(api: ApiRouter, service: RecordingsService, requireAuth: RequestHandler): ApiRouter {
  const r = recordingRoutes;
  api.handle(r.startRecording, ({ userId, params }) => service.start(userId, params.channelId));
  api.handle(r.stopRecording, ({ userId, params }) => service.stop(userId, params.channelId, params.recordingId));
  api.handle(r.listChannelRecordings, async ({ userId, params }) => ({ items: await service.listChannel(userId, params.channelId) }));
  api.handle(r.listGuildRecordings, ({ userId, params, query }) => service.listGuild(userId, params.guildId, query));
  api.handle(r.getRecording, ({ userId, params }) => service.get(userId, params.recordingId));
  api.handle(r.deleteRecording, ({ userId, params }) => service.remove(userId, params.recordingId));
  api.handle(r.getRecordingSettings, ({ userId, params }) => service.getSettings(userId, params.guildId));
  api.handle(r.updateRecordingSettings, ({ userId, params, body }) => service.updateSettings(userId, params.guildId, body));

  // The file is bytes, not JSON: registered on the raw router (ApiRouter would end the response after the handler),
  // but listed with the other contracts so OpenAPI documents it.
  api.contracts.push(r.getRecordingFile);
  api.router.get(r.getRecordingFile.path, requireAuth, async (req, res) => {
    const parsed = RecordingParams.safeParse({ ...req.params });
    if (!parsed.success) throw AppError.validation('Invalid params', zodDetails(parsed.error));
    if (!req.auth) throw new AppError('UNAUTHENTICATED', 'Not authenticated');
    const target = await service.file(req.auth.userId, parsed.data.recordingId);
    if (target.kind === 'redirect') {
      res.setHeader('Cache-Control', 'no-store');
      res.redirect(302, target.url);
      return;
    }
    await sendFile(req, res, target.path, {
      'Content-Type': 'audio/ogg',
      'Content-Disposition': `inline; filename="parley-recording-${target.rec.id}.ogg"`,
      // Authenticated content: never stored by shared caches.
      'Cache-Control': 'private, no-cache',
    });
  });
  return api;
}
