import type { GatewayPublisher } from '../../gateway/gateway';
import { memberView, publicUserView } from '../../http/views';
import type { GuildsRepo } from '../guilds/guilds.repo';
import type { UserRecord } from './users.repo';

/**
 * A user's display name and avatar show in every guild they are in: each gets MEMBER_UPDATE, so a change appears live
 * everywhere.
 */
export function profileAnnouncer(deps: { guilds: Pick<GuildsRepo, 'membershipsOf'>; gateway: GatewayPublisher }) {
  return async (user: UserRecord): Promise<void> => {
    const view = publicUserView(user);
    for (const m of await deps.guilds.membershipsOf(user.id)) {
      await deps.gateway.publishToGuild(m.guildId, 'MEMBER_UPDATE', memberView(m, view));
    }
  };
}
