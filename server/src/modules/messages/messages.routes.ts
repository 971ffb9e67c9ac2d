import { routes } from '@shared/api/routes';
import type { ModuleContext, ServerModule } from '../context';
import { createActionRateLimit } from '../../http/rate-limit';
import { createLinkPreviews } from '../embeds/link-previews';
import { createPrivateChannelsService } from '../private-channels/private-channels.service';
import { createMessagesService } from './messages.service';
import { createReactionsService } from './reactions.service';

export function messagesModule(ctx: ModuleContext): ServerModule {
  // With Redis configured, events reach the other instances through it: a Redis that does not answer (1 s command
  // timeout) makes message writes 503 DEPENDENCY_UNAVAILABLE before they store anything.
  const redis = ctx.redis;
  const previews = createLinkPreviews(ctx);
  // Search: 20 per 10 s per user, across instances (each one may scan a guild's messages on the stand-in).
  const searchRateLimit = createActionRateLimit({
    redis,
    namespace: `parley:${ctx.config.MONGODB_DB}`,
    name: 'search',
    points: 20,
    durationSeconds: 10,
  });
  const privateChannels = createPrivateChannelsService(ctx).sendHooks;
  const service = createMessagesService({
    ...ctx,
    searchRateLimit,
    deliverable: redis ? async () => void (await redis.ping()) : undefined,
    unfurl: previews.service,
    privateChannels,
  });
  const api = ctx.createApiRouter();
  api.handle(routes.listMessages, ({ userId, params, query }) => service.history(userId, params.channelId, query));
  api.handle(routes.sendMessage, async ({ userId, params, body, setStatus }) => {
    const { message, created } = await service.send(userId, params.channelId, body);
    if (!created) setStatus(200);
    return message;
  });
  api.handle(routes.searchMessages, ({ userId, params, query }) => service.search(userId, params.guildId, query));
  api.handle(routes.getMessage, ({ userId, params }) => service.get(userId, params.channelId, params.messageId));
  api.handle(routes.editMessage, ({ userId, params, body }) => service.edit(userId, params.channelId, params.messageId, body.content));
  api.handle(routes.deleteMessage, ({ userId, params }) => service.remove(userId, params.channelId, params.messageId));
  // Reactions: 10 changes per 5 s per user, across instances (Discord allows about one per 0.25 s).
  const rateLimit = createActionRateLimit({
    redis,
    namespace: `parley:${ctx.config.MONGODB_DB}`,
    name: 'reactions',
    points: 10,
    durationSeconds: 5,
  });
  const reactions = createReactionsService({
    ...ctx,
    rateLimit,
    deliverable: redis ? async () => void (await redis.ping()) : undefined,
    privateChannels,
  });
  api.handle(routes.addReaction, ({ userId, params }) => reactions.add(userId, params.channelId, params.messageId, params.emoji));
  api.handle(routes.removeMyReaction, ({ userId, params }) =>
    reactions.removeMine(userId, params.channelId, params.messageId, params.emoji),
  );
  api.handle(routes.removeUserReaction, ({ userId, params }) =>
    reactions.removeOthers(userId, params.channelId, params.messageId, params.emoji, params.userId),
  );
  api.handle(routes.listReactionUsers, ({ userId, params, query }) =>
    reactions.users(userId, params.channelId, params.messageId, params.emoji, query),
  );
  api.handle(routes.listMessageEdits, ({ userId, params }) => service.edits(userId, params.channelId, params.messageId));
  api.handle(routes.pinMessage, ({ userId, params }) => service.setPinned(userId, params.channelId, params.messageId, true));
  api.handle(routes.unpinMessage, ({ userId, params }) => service.setPinned(userId, params.channelId, params.messageId, false));
  api.handle(routes.suppressEmbeds, ({ userId, params }) => service.suppressEmbeds(userId, params.channelId, params.messageId));
  api.handle(routes.listPins, ({ userId, params }) => service.pins(userId, params.channelId));
  api.handle(routes.typing, ({ userId, params }) => service.typing(userId, params.channelId));
  // FerretDB has no TTL indexes: forget old send nonces periodically so their collection stays small.
  let sweeper: NodeJS.Timeout | undefined;
  return {
    name: 'messages',
    api,
    async init() {
      await previews.repo.ensureIndexes();
      // Asked once here so the log says which search this instance runs (and a search need not wait for it).
      const engine = await ctx.repos.search.engine();
      ctx.log.info(
        { engine },
        engine === 'text' ? 'message search uses the text index' : 'message search scans (no text index on this engine)',
      );
      sweeper = setInterval(
        () => {
          ctx.repos.messages.sweepNonces(ctx.clock.now()).catch((err: unknown) => ctx.log.warn({ err }, 'nonce sweep failed'));
          previews.service.sweep().catch((err: unknown) => ctx.log.warn({ err }, 'link preview sweep failed'));
        },
        10 * 60 * 1000,
      );
      sweeper.unref();
    },
    async stop() {
      clearInterval(sweeper);
      await service.settle();
    },
  };
}
