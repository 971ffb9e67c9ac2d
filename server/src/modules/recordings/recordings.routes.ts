import { recordingRoutes } from '@shared/api/recordings';
import type { Request, Response } from 'express';
import type { ApiRouter } from '../../http/api-router';
import { sendLocalFile } from '../../http/send-file';
import type { RecordingsService } from './recordings.service';

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
  await sendLocalFile(
    req,
    res,
    target.path,
    {
      'Content-Type': 'audio/ogg',
      'Content-Disposition': `${download ? 'attachment' : 'inline'}; filename="parley-recording-${target.rec.id}.ogg"`,
      // Authenticated content: never stored by shared caches.
      'Cache-Control': 'private, no-cache',
    },
    'Recording file',
  );
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
