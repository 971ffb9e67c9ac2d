import type { GatewayPublisher } from '../../gateway/gateway';
import { memberView, publicUserView, userView } from '../../http/views';
import type { GuildsRepo } from '../guilds/guilds.repo';
import type { UserRecord } from './users.repo';

/**
 * A user's display name, username and avatar show in every guild they are in: each gets MEMBER_UPDATE, so a change
 * appears live everywhere. The user's own sessions get USER_UPDATE too, also when they share no guild with anyone.
 */
export function profileAnnouncer(deps: { guilds: Pick<GuildsRepo, 'membershipsOf'>; gateway: GatewayPublisher }) {
  return async (user: UserRecord): Promise<void> => {
    deps.gateway.publishToUser(user.id, 'USER_UPDATE', userView(user));
    const view = publicUserView(user);
    for (const m of await deps.guilds.membershipsOf(user.id)) {
      await deps.gateway.publishToGuild(m.guildId, 'MEMBER_UPDATE', memberView(m, view));
    }
  };
}
