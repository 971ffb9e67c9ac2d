import type { ModuleContext, ServerModule } from '../context';

export function auditModule(ctx: ModuleContext): ServerModule {
  return { name: 'audit', api: ctx.createApiRouter() };
}
