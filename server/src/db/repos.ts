import type { Db } from 'mongodb';
import { createAuditRepo } from '../modules/audit/audit.repo';
import { createRefreshTokensRepo } from '../modules/auth/refresh-tokens.repo';
import { createChannelsRepo } from '../modules/channels/channels.repo';
import { createGuildsRepo } from '../modules/guilds/guilds.repo';
import { createInvitesRepo } from '../modules/invites/invites.repo';
import { createMessagesRepo } from '../modules/messages/messages.repo';
import { createRolesRepo } from '../modules/roles/roles.repo';
import { createUsersRepo } from '../modules/users/users.repo';

/** Every core repository; only these touch collections. */
export function createRepos(db: Db) {
  return {
    users: createUsersRepo(db),
    refreshTokens: createRefreshTokensRepo(db),
    guilds: createGuildsRepo(db),
    roles: createRolesRepo(db),
    channels: createChannelsRepo(db),
    messages: createMessagesRepo(db),
    invites: createInvitesRepo(db),
    audit: createAuditRepo(db),
  };
}
export type Repos = ReturnType<typeof createRepos>;
