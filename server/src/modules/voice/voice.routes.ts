import express, { Router } from 'express';
import { LIVEKIT_WEBHOOK_PATH, voiceRoutes } from '@shared/api/voice';
import { AppError } from '../../errors';
import type { ApiRouter } from '../../http/api-router';
import type { Logger } from '../../logger';
import type { WebhookBus, WebhookVerifier } from '../../livekit/webhooks';
import { toVoiceFact } from '../../livekit/webhooks';
import type { VoiceService } from './voice.service';

/** Thin handlers: the contract (src-shared/api/voice.ts) validates input, the service does the work. */
export function registerVoiceRoutes(api: ApiRouter, service: VoiceService): ApiRouter {
  api.handle(voiceRoutes.joinVoice, ({ params, body, userId }) => service.join(userId, params.channelId, body ?? {}));
  api.handle(voiceRoutes.leaveVoice, ({ userId }) => service.leave(userId));
  api.handle(voiceRoutes.updateMyVoiceState, ({ body, userId }) => service.setSelfState(userId, body));
  api.handle(voiceRoutes.listGuildVoiceStates, async ({ params, userId }) => ({ items: await service.listGuild(userId, params.guildId) }));
  api.handle(voiceRoutes.moderateVoice, ({ params, body, userId }) => service.moderate(userId, params.guildId, params.userId, body));
  api.handle(voiceRoutes.disconnectVoice, ({ params, userId }) => service.disconnect(userId, params.guildId, params.userId));
  return api;
}

/** LiveKit webhooks are small JSON documents; anything bigger is not from LiveKit. */
const WEBHOOK_BODY_LIMIT = '256kb';

/**
 * POST /api/v1/livekit/webhook. Mounted before the JSON parser: the signature covers the exact bytes, so the body is
 * read raw (whatever the Content-Type — LiveKit sends application/webhook+json) and verified before anything is
 * parsed or applied. Unsigned, forged, tampered or expired → 401 and nothing changes.
 */
export function createLivekitWebhookRouter(deps: { verifier: WebhookVerifier; service: VoiceService; bus: WebhookBus; log: Logger }): {
  path: string;
  router: Router;
} {
  const { verifier, service, bus, log } = deps;
  const router = Router();
  router.post('/', express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const authorization = req.get('authorization') ?? req.get('authorize');
    let event;
    try {
      event = await verifier.verify(raw, authorization);
    } catch (err) {
      log.warn({ reason: err instanceof Error ? err.message : 'invalid', ip: req.ip }, 'livekit webhook rejected');
      throw new AppError('UNAUTHENTICATED', 'Webhook signature is missing, invalid or expired');
    }
    log.debug({ event: event.event, id: event.id, room: event.room?.name }, 'livekit webhook');
    await service.applyWebhook(toVoiceFact(event));
    await bus.dispatch(event);
    res.status(200).end();
  });
  return { path: LIVEKIT_WEBHOOK_PATH, router };
}
