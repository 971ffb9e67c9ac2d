import { routes } from '@shared/api/routes';
import type { ModuleContext, ServerModule } from '../context';
import { createMessagesService } from './messages.service';

export function messagesModule(ctx: ModuleContext): ServerModule {
  const service = createMessagesService(ctx);
  const api = ctx.createApiRouter();
  api.handle(routes.listMessages, ({ userId, params, query }) => service.history(userId, params.channelId, query));
  api.handle(routes.sendMessage, async ({ userId, params, body, setStatus }) => {
    const { message, created } = await service.send(userId, params.channelId, body);
    if (!created) setStatus(200);
    return message;
  });
  api.handle(routes.getMessage, ({ userId, params }) => service.get(userId, params.channelId, params.messageId));
  api.handle(routes.editMessage, ({ userId, params, body }) => service.edit(userId, params.channelId, params.messageId, body.content));
  api.handle(routes.deleteMessage, ({ userId, params }) => service.remove(userId, params.channelId, params.messageId));
  api.handle(routes.typing, ({ userId, params }) => service.typing(userId, params.channelId));
  return { name: 'messages', api };
}
