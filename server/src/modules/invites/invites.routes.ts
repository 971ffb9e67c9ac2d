import { routes } from '@shared/api/routes';
import type { ModuleContext, ServerModule } from '../context';
import { createInvitesService } from './invites.service';

export function invitesModule(ctx: ModuleContext): ServerModule {
  const service = createInvitesService(ctx);
  const api = ctx.createApiRouter();
  api.handle(routes.createInvite, ({ userId, params, body }) => service.create(userId, params.guildId, body));
  api.handle(routes.listInvites, ({ userId, params }) => service.list(userId, params.guildId));
  api.handle(routes.previewInvite, ({ params }) => service.preview(params.code));
  api.handle(routes.acceptInvite, ({ userId, params }) => service.accept(userId, params.code));
  api.handle(routes.deleteInvite, ({ userId, params }) => service.remove(userId, params.code));
  return { name: 'invites', api };
}
