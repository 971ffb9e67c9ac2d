import { routes } from '@shared/api/routes';
import type { ModuleContext, ServerModule } from '../context';
import { createRelationshipsService } from './relationships.service';

/**
 * Friends, friend requests, blocks and the privacy setting for DMs and calls (issue 16 item 1). The collection is a
 * core repository (`ctx.repos.relationships`), so DM and call code can run contact.ts `canContact` on it.
 */
export function relationshipsModule(ctx: ModuleContext): ServerModule {
  const service = createRelationshipsService({
    repo: ctx.repos.relationships,
    users: ctx.repos.users,
    gateway: ctx.gateway,
    clock: ctx.clock,
    log: ctx.log,
  });
  const api = ctx.createApiRouter();
  api.handle(routes.listRelationships, ({ userId }) => service.list(userId));
  api.handle(routes.sendFriendRequest, ({ userId, body }) => service.request(userId, body));
  api.handle(routes.acceptFriendRequest, ({ userId, params }) => service.accept(userId, params.userId));
  api.handle(routes.removeRelationship, ({ userId, params }) => service.remove(userId, params.userId));
  api.handle(routes.blockUser, ({ userId, params }) => service.block(userId, params.userId));
  api.handle(routes.unblockUser, ({ userId, params }) => service.unblock(userId, params.userId));
  api.handle(routes.getPrivacySettings, ({ userId }) => service.privacy(userId));
  api.handle(routes.updatePrivacySettings, ({ userId, body }) => service.updatePrivacy(userId, body));
  return {
    name: 'relationships',
    api,
    async init() {
      ctx.gateway.setRelationshipsProvider(async (userId) => {
        const [{ items }, privacySettings] = await Promise.all([service.list(userId), service.privacy(userId)]);
        return { relationships: items, privacySettings };
      });
    },
  };
}
