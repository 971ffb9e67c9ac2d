import type { ModuleContext, ServerModule } from '../context';

export function invitesModule(ctx: ModuleContext): ServerModule {
  return { name: 'invites', api: ctx.createApiRouter() };
}
