import { MAX_REACTION_EMOJI, type MessageReactionEvent, type ReactionUsersQuery } from '@shared/api/reactions';
import type { PublicUser } from '@shared/api/users';
import type { PermissionName } from '@shared/permissions/permissions';
import type { Clock } from '../../clock';
import type { CachedReads, Repos } from '../../db/repos';
import { AppError } from '../../errors';
import type { GatewayPublisher } from '../../gateway/gateway';
import type { ActionRateLimit } from '../../http/rate-limit';
import { deletedUser, publicUserView } from '../../http/views';
import type { PermissionService } from '../../permissions/permission.service';
import type { PrivateChannelSendHooks } from './messages.service';

/**
 * Reactions on messages (storage: reactions.repo.ts). Adding needs VIEW_CHANNEL and ADD_REACTIONS; taking back one's
 * own needs only VIEW_CHANNEL; removing someone else's needs MANAGE_MESSAGES. Adding and taking back count against a
 * per-user rate limit. Each change that stored or removed something is told to the channel's viewers.
 *
 * The distinct-emoji cap is checked before the insert: two first reactions with two new emoji at the same instant can
 * both pass it when the message has 19, leaving 21. A strict cap would need a slot claim per emoji for no real gain.
 */
export function createReactionsService(deps: {
  repos: Repos;
  cachedReads: CachedReads;
  permissions: PermissionService;
  gateway: GatewayPublisher;
  clock: Clock;
  rateLimit: ActionRateLimit;
  deliverable?: () => Promise<void>;
  /** The block check of a 1:1 DM (private-channels.service.ts): no reactions between two users where one blocked. */
  privateChannels?: Pick<PrivateChannelSendHooks, 'checkSend'>;
}) {
  const { repos, cachedReads, permissions, gateway, clock, rateLimit } = deps;
  const deliverable = deps.deliverable ?? (async () => undefined);

  async function requireMessage(userId: string, channelId: string, messageId: string, perm: PermissionName) {
    const access = await permissions.requireChannelPermission(userId, channelId, perm);
    if (access.channel.type === 'category') throw new AppError('WRONG_CHANNEL_TYPE', 'Categories have no messages');
    const message = await repos.messages.find(channelId, messageId);
    if (!message) throw AppError.notFound('Message');
    return { access, message };
  }

  const publish = (event: 'MESSAGE_REACTION_ADD' | 'MESSAGE_REACTION_REMOVE', payload: MessageReactionEvent) =>
    gateway.publishToGuild(payload.guildId, event, payload, { channelId: payload.channelId });

  async function remove(channelId: string, guildId: string | null, messageId: string, emoji: string, userId: string): Promise<void> {
    await deliverable();
    if (await repos.reactions.remove(messageId, emoji, userId))
      await publish('MESSAGE_REACTION_REMOVE', { guildId, channelId, messageId, userId, emoji });
  }

  return {
    /** Reacting again with the same emoji is a no-op (204, no event). */
    async add(userId: string, channelId: string, messageId: string, emoji: string): Promise<void> {
      const { access } = await requireMessage(userId, channelId, messageId, 'ADD_REACTIONS');
      if (access.guild === null) await deps.privateChannels?.checkSend(userId, access.channel);
      await rateLimit.hit(userId);
      const present = await repos.reactions.emojiOf(messageId);
      if (!present.includes(emoji) && present.length >= MAX_REACTION_EMOJI) {
        throw new AppError('REACTION_LIMIT', `A message can have at most ${MAX_REACTION_EMOJI} different reactions`);
      }
      await deliverable();
      const guildId = access.channel.guildId;
      if (!(await repos.reactions.add({ messageId, channelId, guildId, emoji, userId, createdAt: clock.now() }))) return;
      // Deleted while we stored it: its deletion may have run before our insert, so take the orphan away ourselves.
      if (!(await repos.messages.find(channelId, messageId))) {
        await repos.reactions.remove(messageId, emoji, userId);
        throw AppError.notFound('Message');
      }
      await publish('MESSAGE_REACTION_ADD', { guildId, channelId, messageId, userId, emoji });
    },

    async removeMine(userId: string, channelId: string, messageId: string, emoji: string): Promise<void> {
      const { access } = await requireMessage(userId, channelId, messageId, 'VIEW_CHANNEL');
      await rateLimit.hit(userId);
      await remove(channelId, access.channel.guildId, messageId, emoji, userId);
    },

    async removeOthers(userId: string, channelId: string, messageId: string, emoji: string, targetId: string): Promise<void> {
      const { access } = await requireMessage(userId, channelId, messageId, 'MANAGE_MESSAGES');
      await remove(channelId, access.channel.guildId, messageId, emoji, targetId);
    },

    async users(
      userId: string,
      channelId: string,
      messageId: string,
      emoji: string,
      q: ReactionUsersQuery,
    ): Promise<{ items: PublicUser[] }> {
      await requireMessage(userId, channelId, messageId, 'VIEW_CHANNEL');
      const ids = await repos.reactions.usersOf(messageId, emoji, { after: q.after, limit: q.limit });
      const users = await cachedReads.users.findManyByIds(ids);
      const byId = new Map(users.map((u) => [u.id, publicUserView(u)]));
      return { items: ids.map((id) => byId.get(id) ?? deletedUser(id)) };
    },
  };
}
