import type { ModuleContext, ServerModule } from '../context';

export function guildsModule(ctx: ModuleContext): ServerModule {
  return { name: 'guilds', api: ctx.createApiRouter() };
}
