import {
  MAX_GROUP_DM_MEMBERS,
  type OpenPrivateChannelBody,
  type PrivateChannel,
  type UpdatePrivateChannelBody,
} from '@shared/api/private-channels';
import type { Clock } from '../../clock';
import type { CachedReads, Repos } from '../../db/repos';
import { newId } from '../../db/ids';
import { AppError } from '../../errors';
import type { GatewayPublisher } from '../../gateway/gateway';
import { deletedUser, publicUserView } from '../../http/views';
import type { Logger } from '../../logger';
import type { PermissionService, PrivateChannelRecord } from '../../permissions/permission.service';
import { isPrivateChannel } from '../channels/channels.repo';
import type { PrivateChannelSendHooks } from '../messages/messages.service';
import { timeOfMessageId } from '../messages/message-ids';
import { canContact } from '../relationships/contact';
import { activityTime, dmPairKey, effectiveOwner, type SeatedRecipient } from './private-channel-rules';
import { recipientLeft } from './recipient-events';

/**
 * DMs and group DMs (issue 16 item 2; the contract is src-shared/api/private-channels.ts). The channels are documents of
 * `channels` with `guildId: null`; their messages go through the one message pipeline (messages.service.ts), which
 * calls `sendHooks` for the block check and for putting a closed 1:1 DM back in its recipients' lists.
 */
export type PrivateChannelsService = ReturnType<typeof createPrivateChannelsService>;

export function createPrivateChannelsService(deps: {
  repos: Repos;
  cachedReads: CachedReads;
  permissions: PermissionService;
  gateway: GatewayPublisher;
  clock: Clock;
  log: Logger;
}) {
  const { repos, cachedReads, permissions, gateway, clock, log } = deps;
  const contactDeps = { relationships: repos.relationships, users: cachedReads.users, guilds: cachedReads.guilds };

  /** Everyone in the channel with when they joined (a 1:1 DM's two since its creation), oldest first. */
  async function membersOf(channel: PrivateChannelRecord): Promise<SeatedRecipient[]> {
    if (channel.type === 'dm') return (channel.recipientIds ?? []).map((userId) => ({ userId, joinedAt: channel.createdAt }));
    return (await repos.privateChannels.recipientsOf(channel.id)).map((r) => ({ userId: r.userId, joinedAt: r.joinedAt }));
  }

  /** The channel as each of `viewerIds` sees it (everyone but themselves as recipients). */
  async function viewsFor(channel: PrivateChannelRecord, members: SeatedRecipient[], viewerIds: readonly string[]) {
    const [users, lastId] = await Promise.all([
      cachedReads.users.findManyByIds(members.map((m) => m.userId)),
      repos.messages.lastId(channel.id),
    ]);
    const byId = new Map(users.map((u) => [u.id, publicUserView(u)]));
    const ownerId = channel.type === 'group_dm' ? effectiveOwner(channel.ownerId, members) : null;
    return new Map(
      viewerIds.map((viewerId): [string, PrivateChannel] => [
        viewerId,
        {
          id: channel.id,
          type: channel.type,
          name: channel.type === 'group_dm' && channel.name !== '' ? channel.name : null,
          ownerId,
          recipients: members.filter((m) => m.userId !== viewerId).map((m) => byId.get(m.userId) ?? deletedUser(m.userId)),
          lastMessageId: lastId,
          createdAt: channel.createdAt.toISOString(),
        },
      ]),
    );
  }

  async function viewFor(channel: PrivateChannelRecord, viewerId: string): Promise<PrivateChannel> {
    return (await viewsFor(channel, await membersOf(channel), [viewerId])).get(viewerId)!;
  }

  /** A private channel of mine (a 1:1 DM counts even while closed), else NOT_FOUND: a guild channel is not one. */
  async function requireMine(userId: string, channelId: string): Promise<PrivateChannelRecord> {
    const channel = await cachedReads.channels.find(channelId);
    if (!channel || !isPrivateChannel(channel)) throw AppError.notFound('Channel');
    const access = await permissions.channelAccess(userId, channel);
    if (!access) throw AppError.notFound('Channel');
    return channel;
  }

  function requireGroup(channel: PrivateChannelRecord): void {
    if (channel.type !== 'group_dm') throw new AppError('WRONG_CHANNEL_TYPE', 'A 1:1 DM has no name or members to change');
  }

  /** 404 when a user does not exist; 403, the same whatever the reason, when they do not accept DMs from me. */
  async function requireContact(from: string, to: string): Promise<void> {
    const decision = await canContact(contactDeps, from, to);
    if (decision.allowed) return;
    log.info({ from, to, reason: decision.reason }, 'private channel contact refused');
    if (decision.reason === 'unknown') throw AppError.notFound('User');
    throw AppError.forbidden('This user does not accept direct messages from you');
  }

  /** Each member's own view: PRIVATE_CHANNEL_UPDATE to everyone in `members` except `except`. */
  async function announceUpdate(channel: PrivateChannelRecord, members: SeatedRecipient[], except: readonly string[] = []) {
    const to = members.map((m) => m.userId).filter((id) => !except.includes(id));
    for (const [id, view] of await viewsFor(channel, members, to)) gateway.publishToUser(id, 'PRIVATE_CHANNEL_UPDATE', view);
  }

  async function openDm(userId: string, otherId: string): Promise<PrivateChannel> {
    const key = dmPairKey(userId, otherId);
    let channelId = await repos.privateChannels.findPair(key);
    if (!channelId) {
      // The channel first, then the claim: a lost claim leaves an unreferenced channel, never a key without one.
      const mine: PrivateChannelRecord = {
        id: newId(),
        guildId: null,
        type: 'dm',
        name: '',
        parentId: null,
        position: 0,
        topic: null,
        bitrate: null,
        userLimit: null,
        overwrites: [],
        createdAt: clock.now(),
        ownerId: null,
        recipientIds: [userId, otherId],
      };
      await repos.channels.insert(mine);
      channelId = await repos.privateChannels.claimPair(key, mine.id);
      if (channelId !== mine.id) await repos.channels.delete(mine.id);
    }
    const channel = await cachedReads.channels.find(channelId);
    if (!channel || !isPrivateChannel(channel)) throw new Error(`DM ${channelId} of ${key} is missing`);
    const view = await viewFor(channel, userId);
    if (await repos.privateChannels.addRecipient(channel.id, userId, clock.now()))
      gateway.publishToUser(userId, 'PRIVATE_CHANNEL_CREATE', view);
    return view;
  }

  async function createGroup(userId: string, recipientIds: readonly string[], name: string | undefined): Promise<PrivateChannel> {
    const now = clock.now();
    const channel: PrivateChannelRecord = {
      id: newId(),
      guildId: null,
      type: 'group_dm',
      name: name ?? '',
      parentId: null,
      position: 0,
      topic: null,
      bitrate: null,
      userLimit: null,
      overwrites: [],
      createdAt: now,
      ownerId: userId,
    };
    const everyone = [userId, ...recipientIds];
    await repos.channels.insert(channel);
    await repos.privateChannels.seatAll(channel.id, everyone);
    // The owner first, a millisecond apart, so "who joined first" has one answer.
    await Promise.all(everyone.map((id, i) => repos.privateChannels.addRecipient(channel.id, id, new Date(now.getTime() + i))));
    const members = await membersOf(channel);
    const views = await viewsFor(channel, members, everyone);
    for (const [id, view] of views) gateway.publishToUser(id, 'PRIVATE_CHANNEL_CREATE', view);
    return views.get(userId)!;
  }

  const sendHooks: PrivateChannelSendHooks = {
    async checkSend(userId, channel) {
      if (channel.type !== 'dm') return; // In a group a block only hides messages, on the client (as on Discord).
      const otherId = (channel.recipientIds ?? []).find((id) => id !== userId);
      if (!otherId) return;
      const pair = await repos.relationships.pair(userId, otherId);
      if (pair.myBlock || pair.theirBlock) {
        log.info({ userId, channelId: channel.id }, 'DM send refused: a block between the two');
        throw AppError.forbidden('This message cannot be delivered');
      }
    },
    async afterSend(channel) {
      if (channel.type !== 'dm') return;
      const open = new Set((await repos.privateChannels.recipientsOf(channel.id)).map((r) => r.userId));
      const closed = (channel.recipientIds ?? []).filter((id) => !open.has(id));
      for (const id of closed) {
        if (await repos.privateChannels.addRecipient(channel.id, id, clock.now()))
          gateway.publishToUser(id, 'PRIVATE_CHANNEL_CREATE', await viewFor(channel, id));
      }
    },
  };

  return {
    sendHooks,

    /** My open DMs and my groups, most recent activity first. */
    async list(userId: string): Promise<{ items: PrivateChannel[] }> {
      const ids = await repos.privateChannels.channelIdsOf(userId);
      const channels = (await Promise.all(ids.map((id) => cachedReads.channels.find(id)))).filter(
        (c): c is PrivateChannelRecord => c !== null && isPrivateChannel(c),
      );
      const groupMembers = await repos.privateChannels.recipientsOfMany(channels.filter((c) => c.type === 'group_dm').map((c) => c.id));
      const items = await Promise.all(
        channels.map(async (c) => {
          const members =
            c.type === 'dm'
              ? await membersOf(c)
              : groupMembers.filter((r) => r.channelId === c.id).map((r) => ({ userId: r.userId, joinedAt: r.joinedAt }));
          return (await viewsFor(c, members, [userId])).get(userId)!;
        }),
      );
      const at = (v: PrivateChannel) => activityTime(new Date(v.createdAt), v.lastMessageId ? timeOfMessageId(v.lastMessageId) : null);
      return { items: items.sort((a, b) => at(b) - at(a)) };
    },

    async open(userId: string, body: OpenPrivateChannelBody): Promise<PrivateChannel> {
      if (body.recipientIds.includes(userId))
        throw AppError.validation('You cannot be your own recipient', [{ path: 'body.recipientIds', message: 'contains you' }]);
      if (body.recipientIds.length === 1 && body.name !== undefined)
        throw AppError.validation('A 1:1 DM has no name', [{ path: 'body.name', message: 'groups only' }]);
      for (const id of body.recipientIds) await requireContact(userId, id);
      return body.recipientIds.length === 1 ? openDm(userId, body.recipientIds[0]!) : createGroup(userId, body.recipientIds, body.name);
    },

    async rename(userId: string, channelId: string, body: UpdatePrivateChannelBody): Promise<PrivateChannel> {
      const channel = await requireMine(userId, channelId);
      requireGroup(channel);
      const updated = await repos.channels.update(channelId, { name: body.name ?? '' });
      if (!updated || !isPrivateChannel(updated)) throw AppError.notFound('Channel');
      const members = await membersOf(updated);
      const views = await viewsFor(
        updated,
        members,
        members.map((m) => m.userId),
      );
      for (const [id, view] of views) gateway.publishToUser(id, 'PRIVATE_CHANNEL_UPDATE', view);
      return views.get(userId) ?? viewFor(updated, userId);
    },

    async addRecipient(userId: string, channelId: string, targetId: string): Promise<PrivateChannel> {
      const channel = await requireMine(userId, channelId);
      requireGroup(channel);
      if (targetId === userId || (await repos.privateChannels.isRecipient(channelId, targetId))) return viewFor(channel, userId);
      await requireContact(userId, targetId);
      const seat = await repos.privateChannels.claimSeat(channelId, targetId, MAX_GROUP_DM_MEMBERS);
      if (seat === null) throw new AppError('CONFLICT', `A group DM has at most ${MAX_GROUP_DM_MEMBERS} members`);
      if (!(await repos.privateChannels.addRecipient(channelId, targetId, clock.now()))) {
        // Added by someone else meanwhile: they hold a seat of their own.
        await repos.privateChannels.releaseSeat(channelId, seat);
        return viewFor(channel, userId);
      }
      const members = await membersOf(channel);
      const views = await viewsFor(
        channel,
        members,
        members.map((m) => m.userId),
      );
      for (const [id, view] of views)
        gateway.publishToUser(id, id === targetId ? 'PRIVATE_CHANNEL_CREATE' : 'PRIVATE_CHANNEL_UPDATE', view);
      return views.get(userId) ?? viewFor(channel, userId);
    },

    async removeRecipient(userId: string, channelId: string, targetId: string): Promise<void> {
      const channel = await requireMine(userId, channelId);
      requireGroup(channel);
      const before = await membersOf(channel);
      if (effectiveOwner(channel.ownerId, before) !== userId) throw AppError.forbidden("Only the group's owner removes people");
      if (!before.some((m) => m.userId === targetId)) throw AppError.notFound('Recipient');
      await leave(channel, targetId);
    },

    async close(userId: string, channelId: string): Promise<void> {
      const channel = await requireMine(userId, channelId);
      if (channel.type === 'dm') {
        await repos.privateChannels.removeRecipient(channelId, userId);
        gateway.publishToUser(userId, 'PRIVATE_CHANNEL_DELETE', { id: channelId });
        return;
      }
      await leave(channel, userId);
    },
  };

  /** `who` leaves the group (left or removed); the owner's role passes on when it was theirs. */
  async function leave(channel: PrivateChannelRecord, who: string): Promise<void> {
    if (!(await repos.privateChannels.removeRecipient(channel.id, who))) return;
    await repos.privateChannels.releaseSeatsOf(channel.id, who);
    gateway.publishToUser(who, 'PRIVATE_CHANNEL_DELETE', { id: channel.id });
    // A call going on in the group hangs them up (they can no longer see it).
    await recipientLeft(gateway, channel.id, who);
    const members = await membersOf(channel);
    let current = channel;
    if (channel.ownerId === who && members.length > 0) {
      // Readers derive the same successor while this write is on its way (effectiveOwner), so no compare-and-set.
      const updated = await repos.channels.update(channel.id, { ownerId: effectiveOwner(null, members) });
      if (updated && isPrivateChannel(updated)) current = updated;
    }
    await announceUpdate(current, members);
  }
}
