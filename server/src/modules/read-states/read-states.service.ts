import { MENTION_COUNT_CAP, type AckBody, type ReadState } from '@shared/api/read-states';
import type { Clock } from '../../clock';
import type { CachedReads, Repos } from '../../db/repos';
import { AppError } from '../../errors';
import type { GatewayPublisher } from '../../gateway/gateway';
import type { PermissionService } from '../../permissions/permission.service';
import type { ReadStatesRepo } from './read-states.repo';

/** The id just before `id` (ids are 24 hex digits that sort as numbers): "unread from `id` on". */
export function idBefore(id: string): string {
  const n = BigInt(`0x${id}`);
  return (n > 0n ? n - 1n : 0n).toString(16).padStart(24, '0');
}

/**
 * Read states: acks (forward only), "mark unread" (back to just before a message), "mark server as read", and the
 * READY part (markers and unread mention counts). Every change reaches the user's sessions as READ_STATE_UPDATE.
 */
export function createReadStatesService(deps: {
  repo: ReadStatesRepo;
  repos: Repos;
  cachedReads: CachedReads;
  permissions: PermissionService;
  gateway: GatewayPublisher;
  clock: Clock;
}) {
  const { repo, repos, cachedReads, permissions, gateway, clock } = deps;

  const mentions = (channelId: string, lastReadId: string | null, userId: string, roleIds: readonly string[]) =>
    repos.messages.mentionCount(channelId, lastReadId, userId, roleIds, MENTION_COUNT_CAP);

  /** Marks read up to the channel's newest message, or up to `messageId` when that is older (ids beyond it would hide messages not sent yet). */
  async function forward(
    userId: string,
    guildId: string | null,
    channelId: string,
    messageId: string,
    roleIds: readonly string[],
  ): Promise<{ state: ReadState; moved: boolean }> {
    const newest = await repos.messages.lastId(channelId);
    if (newest === null) {
      return { state: { channelId, guildId, lastReadId: await repo.find(userId, channelId), mentionCount: 0 }, moved: false };
    }
    const id = messageId > newest ? newest : messageId;
    const { lastReadId, moved } = await repo.ackForward({ userId, channelId, guildId, id, now: clock.now() });
    return { state: { channelId, guildId, lastReadId, mentionCount: await mentions(channelId, lastReadId, userId, roleIds) }, moved };
  }

  return {
    async ack(userId: string, channelId: string, messageId: string, body: AckBody): Promise<ReadState> {
      const { channel, member } = await permissions.requireChannelPermission(userId, channelId, 'VIEW_CHANNEL');
      // A DM has no roles to be mentioned through.
      const roleIds = member?.roleIds ?? [];
      if (channel.type === 'category') throw new AppError('WRONG_CHANNEL_TYPE', 'Categories have no messages');
      if (body.manual) {
        const lastReadId = idBefore(messageId);
        await repo.set({ userId, channelId, guildId: channel.guildId, id: lastReadId, now: clock.now() });
        const state: ReadState = {
          channelId,
          guildId: channel.guildId,
          lastReadId,
          mentionCount: await mentions(channelId, lastReadId, userId, roleIds),
        };
        gateway.publishToUser(userId, 'READ_STATE_UPDATE', { ...state, manual: true });
        return state;
      }
      const { state, moved } = await forward(userId, channel.guildId, channelId, messageId, roleIds);
      if (moved) gateway.publishToUser(userId, 'READ_STATE_UPDATE', { ...state, manual: false });
      return state;
    },

    /** "Mark server as read": every channel I can view, up to its newest message. */
    async ackGuild(userId: string, guildId: string): Promise<{ items: ReadState[] }> {
      const access = await permissions.requireGuildMember(userId, guildId);
      const visible = permissions
        .visibleChannels(access, await cachedReads.channels.listByGuild(guildId))
        .filter((v) => v.channel.type !== 'category');
      const newest = await repos.messages.lastIds(visible.map((v) => v.channel.id));
      const items: ReadState[] = [];
      for (const [channelId, lastId] of newest) {
        const { state, moved } = await forward(userId, guildId, channelId, lastId, access.member.roleIds);
        if (moved) gateway.publishToUser(userId, 'READ_STATE_UPDATE', { ...state, manual: false });
        items.push(state);
      }
      return { items };
    },

    /**
     * READY / GUILD_CREATE: my markers of the visible channels, and unread mention counts for channels with unread
     * messages only (a channel never read counts from its start). Channels without a marker and without mentions are
     * left out: never read.
     */
    async snapshot(
      userId: string,
      guildId: string | null,
      roleIds: readonly string[],
      channels: readonly { id: string; lastMessageId: string | null }[],
    ): Promise<ReadState[]> {
      const markers = new Map((await repo.listByUserGuild(userId, guildId)).map((r) => [r.channelId, r.lastReadId]));
      const states = await Promise.all(
        channels.map(async (c): Promise<ReadState | null> => {
          const lastReadId = markers.get(c.id) ?? null;
          const unread = c.lastMessageId !== null && (lastReadId === null || lastReadId < c.lastMessageId);
          const mentionCount = unread ? await mentions(c.id, lastReadId, userId, roleIds) : 0;
          if (lastReadId === null && mentionCount === 0) return null;
          return { channelId: c.id, guildId, lastReadId, mentionCount };
        }),
      );
      return states.filter((s) => s !== null);
    },
  };
}
