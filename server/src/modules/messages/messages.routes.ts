import type { ModuleContext, ServerModule } from '../context';

export function messagesModule(ctx: ModuleContext): ServerModule {
  return { name: 'messages', api: ctx.createApiRouter() };
}
