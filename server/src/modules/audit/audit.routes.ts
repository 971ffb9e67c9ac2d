import { routes } from '@shared/api/routes';
import { auditView } from '../../http/views';
import type { ModuleContext, ServerModule } from '../context';

export function auditModule(ctx: ModuleContext): ServerModule {
  const api = ctx.createApiRouter();
  api.handle(routes.auditLog, async ({ userId, params, query }) => {
    await ctx.permissions.requireGuildPermission(userId, params.guildId, 'MANAGE_GUILD');
    const entries = await ctx.repos.audit.list(params.guildId, query);
    return { items: entries.map(auditView), nextCursor: entries.length === query.limit ? (entries.at(-1)?.id ?? null) : null };
  });
  return { name: 'audit', api };
}
