import type { Clock } from '../../clock';
import type { Repos } from '../../db/repos';
import type { GatewayPublisher } from '../../gateway/gateway';
import { deletedUser, messageView, publicUserView } from '../../http/views';
import type { Logger } from '../../logger';

/**
 * Messages the server posts itself (Discord's system messages): the author is the member they are about, the
 * content is empty and clients render the text from `type`.
 */
export function createSystemMessages(deps: { repos: Repos; gateway: GatewayPublisher; clock: Clock; log: Logger }) {
  const { repos, gateway, clock, log } = deps;
  return {
    /**
     * "<user> joined the server." in the guild's system channel, when it has one that is still a text channel of
     * the guild. Best effort: the join has happened, so a failure here is logged, never thrown at the joiner.
     */
    async memberJoined(guildId: string, systemChannelId: string | null, userId: string): Promise<void> {
      if (!systemChannelId) return;
      try {
        const channel = await repos.channels.find(systemChannelId);
        if (!channel || channel.guildId !== guildId || channel.type !== 'text') return;
        const result = await repos.messages.insert({
          channelId: channel.id,
          guildId,
          authorId: userId,
          content: '',
          nonce: null,
          mentions: [],
          type: 'member_join',
          createdAt: clock.now(),
          editedAt: null,
        });
        if (result.status === 'nonce-spent') return;
        const user = await repos.users.findById(userId);
        const message = messageView(result.record, user ? publicUserView(user) : deletedUser(userId));
        await gateway.publishToGuild(guildId, 'MESSAGE_CREATE', message, { channelId: channel.id });
      } catch (err) {
        log.warn({ err, guildId, userId }, 'join message not posted');
      }
    },
  };
}
