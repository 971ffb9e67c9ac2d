import { routes } from '@shared/api/routes';
import type { ModuleContext, ServerModule } from '../context';
import { createRolesService } from './roles.service';

export function rolesModule(ctx: ModuleContext): ServerModule {
  const service = createRolesService(ctx);
  const api = ctx.createApiRouter();
  api.handle(routes.listRoles, ({ userId, params }) => service.list(userId, params.guildId));
  api.handle(routes.createRole, ({ userId, params, body }) => service.create(userId, params.guildId, body));
  api.handle(routes.reorderRoles, ({ userId, params, body }) => service.reorder(userId, params.guildId, body.roleIds));
  api.handle(routes.updateRole, ({ userId, params, body }) => service.update(userId, params.guildId, params.roleId, body));
  api.handle(routes.deleteRole, ({ userId, params }) => service.remove(userId, params.guildId, params.roleId));
  api.handle(routes.addMemberRole, ({ userId, params }) => service.addToMember(userId, params.guildId, params.userId, params.roleId));
  api.handle(routes.removeMemberRole, ({ userId, params }) =>
    service.removeFromMember(userId, params.guildId, params.userId, params.roleId),
  );
  return { name: 'roles', api };
}
