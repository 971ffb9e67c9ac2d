import type { ModuleContext, ServerModule } from '../context';

export function channelsModule(ctx: ModuleContext): ServerModule {
  return { name: 'channels', api: ctx.createApiRouter() };
}
