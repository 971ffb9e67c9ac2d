import { routes } from '@shared/api/routes';
import type { ModuleContext, ServerModule } from '../context';
import { createReadStatesRepo } from './read-states.repo';
import { createReadStatesService } from './read-states.service';

/** Read states on the server (`read_states`): acks, mark unread, mark server as read, and READY's markers and mention counts. */
export function readStatesModule(ctx: ModuleContext): ServerModule {
  const repo = createReadStatesRepo(ctx.db);
  const service = createReadStatesService({ ...ctx, repo });
  const api = ctx.createApiRouter();
  api.handle(routes.ackMessage, ({ userId, params, body }) => service.ack(userId, params.channelId, params.messageId, body ?? {}));
  api.handle(routes.ackGuild, ({ userId, params }) => service.ackGuild(userId, params.guildId));
  return {
    name: 'readStates',
    api,
    async init() {
      await repo.ensureIndexes();
      ctx.gateway.setReadStateProvider((userId, guildId, roleIds, channels) => service.snapshot(userId, guildId, roleIds, channels));
    },
  };
}
