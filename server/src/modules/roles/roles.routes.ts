import type { ModuleContext, ServerModule } from '../context';

export function rolesModule(ctx: ModuleContext): ServerModule {
  return { name: 'roles', api: ctx.createApiRouter() };
}
