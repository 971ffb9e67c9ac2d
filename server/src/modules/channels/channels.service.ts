import {
  DEFAULT_BITRATE,
  type Channel,
  type CreateChannelBody,
  type Overwrite,
  type ReorderChannelsBody,
  type UpdateChannelBody,
} from '@shared/api/channels';
import { hasPermission, Permission } from '@shared/permissions/permissions';
import type { Clock } from '../../clock';
import type { Repos } from '../../db/repos';
import { newId } from '../../db/ids';
import { AppError } from '../../errors';
import type { GatewayPublisher } from '../../gateway/gateway';
import { channelView, guildView } from '../../http/views';
import type { GuildAccess, PermissionService } from '../../permissions/permission.service';
import type { AuditService } from '../audit/audit.service';
import { isGuildChannel, type ChannelRecord, type ChannelUpdate, type GuildChannelRecord } from './channels.repo';

/** A temporary voice channel to create (see voice/temp-voice.service.ts): the caller picks the id. */
export interface TempChannelInput {
  id: string;
  guildId: string;
  name: string;
  parentId: string | null;
  position: number;
  bitrate: number;
  overwrites: Overwrite[];
  ownerId: string;
  lobbyId: string;
}

/** The same overwrites, whatever their order. */
function sameOverwrites(a: readonly Overwrite[], b: readonly Overwrite[]): boolean {
  const key = (list: readonly Overwrite[]) =>
    list
      .map((o) => `${o.type}:${o.id}:${o.allow}:${o.deny}`)
      .sort()
      .join(',');
  return a.length === b.length && key(a) === key(b);
}

export function createChannelsService(deps: {
  repos: Repos;
  permissions: PermissionService;
  gateway: GatewayPublisher;
  audit: AuditService;
  clock: Clock;
  /**
   * Runs when a voice channel is being deleted, before it goes: ends its LiveKit sessions and stops a running recording
   * (voice.module.ts voiceChannelCleanup).
   */
  onVoiceChannelDeleted?: (channel: GuildChannelRecord) => Promise<void>;
}) {
  const { repos, permissions, gateway, audit, clock } = deps;

  /** Overwrite targets must be roles or members of this guild; editing them needs MANAGE_ROLES. */
  async function validateOverwrites(access: GuildAccess, overwrites: Overwrite[]): Promise<void> {
    if (!hasPermission(access.permissions, Permission.MANAGE_ROLES)) throw AppError.forbidden('Missing permission MANAGE_ROLES');
    const seen = new Set<string>();
    const memberIds: string[] = [];
    for (const [i, o] of overwrites.entries()) {
      if (seen.has(o.id)) throw AppError.validation('Duplicate overwrite', [{ path: `body.overwrites.${i}.id`, message: 'duplicate' }]);
      seen.add(o.id);
      if (o.type === 'role' && !access.roles.some((r) => r.id === o.id))
        throw AppError.validation('Unknown role', [{ path: `body.overwrites.${i}.id`, message: 'unknown role' }]);
      if (o.type === 'member') memberIds.push(o.id);
    }
    const members = await repos.guilds.membersByUserIds(access.guild.id, memberIds);
    if (members.length !== memberIds.length)
      throw AppError.validation('Unknown member', [{ path: 'body.overwrites', message: 'unknown member' }]);
  }

  /**
   * A parent must be a category of this guild that the caller can view: a hidden category answers exactly like one
   * that does not exist, so parentId cannot be used to probe for channels the caller cannot see.
   */
  async function validateParent(access: GuildAccess, type: ChannelRecord['type'], parentId: string | null | undefined): Promise<void> {
    if (!parentId) return;
    if (type === 'category')
      throw AppError.validation('Categories cannot be nested', [{ path: 'body.parentId', message: 'categories are top level' }]);
    const parent = await repos.channels.find(parentId);
    const visible =
      parent && isGuildChannel(parent) && parent.guildId === access.guild.id && permissions.visibleChannels(access, [parent]).length === 1;
    if (!parent || !visible || parent.type !== 'category')
      throw AppError.validation('parentId must be a category of this guild', [{ path: 'body.parentId', message: 'not a category' }]);
  }

  function validateVoiceFields(type: ChannelRecord['type'], body: { bitrate?: number; userLimit?: number; joinToCreate?: boolean }): void {
    if (type !== 'voice' && (body.bitrate !== undefined || body.userLimit !== undefined || body.joinToCreate !== undefined)) {
      throw new AppError('WRONG_CHANNEL_TYPE', 'bitrate, userLimit and joinToCreate apply to voice channels only');
    }
  }

  /** Announce while the channel still exists (so only its viewers hear of it), then delete, then its messages. */
  async function removeChannel(channel: GuildChannelRecord, actorId: string | null): Promise<void> {
    const channelId = channel.id;
    // Voice first, while the channel exists: its viewers still receive the leaves of the sessions it ends.
    if (channel.type === 'voice' && deps.onVoiceChannelDeleted) await deps.onVoiceChannelDeleted(channel);
    await gateway.publishToGuild(channel.guildId, 'CHANNEL_DELETE', { id: channelId, guildId: channel.guildId }, { channelId });
    await repos.channels.delete(channelId);
    const cleared = await repos.guilds.clearSystemChannel(channel.guildId, channelId);
    if (cleared) await gateway.publishToGuild(channel.guildId, 'GUILD_UPDATE', guildView(cleared));
    if (channel.type === 'category') {
      await repos.channels.detachChildren(channel.guildId, channelId);
      await gateway.resyncGuild(channel.guildId);
    }
    await repos.messages.deleteByChannel(channelId);
    await audit.record({
      guildId: channel.guildId,
      action: 'channel.delete',
      actorId,
      targetId: channelId,
      details: { name: channel.name, ...(channel.tempOwnerId ? { temporary: true } : {}) },
    });
  }

  return {
    async list(userId: string, guildId: string): Promise<{ items: Channel[] }> {
      const access = await permissions.requireGuildMember(userId, guildId);
      const visible = permissions.visibleChannels(access, await repos.channels.listByGuild(guildId));
      const lastIds = await repos.messages.lastIds(visible.map((v) => v.channel.id));
      return { items: visible.map((v) => channelView(v.channel, lastIds.get(v.channel.id) ?? null)) };
    },

    async get(userId: string, channelId: string): Promise<Channel> {
      const { channel } = await permissions.requireGuildChannelPermission(userId, channelId);
      return channelView(channel, await repos.messages.lastId(channelId));
    },

    async create(userId: string, guildId: string, body: CreateChannelBody): Promise<Channel> {
      const access = await permissions.requireGuildPermission(userId, guildId, 'MANAGE_CHANNELS');
      validateVoiceFields(body.type, body);
      await validateParent(access, body.type, body.parentId);
      if (body.overwrites?.length) await validateOverwrites(access, body.overwrites);
      const channel = await repos.channels.insert({
        id: newId(),
        guildId,
        type: body.type,
        name: body.name,
        parentId: body.parentId ?? null,
        position: (await repos.channels.maxPosition(guildId)) + 1,
        topic: body.type === 'text' ? (body.topic ?? null) : null,
        bitrate: body.type === 'voice' ? (body.bitrate ?? DEFAULT_BITRATE) : null,
        userLimit: body.type === 'voice' ? (body.userLimit ?? 0) : null,
        overwrites: body.overwrites ?? [],
        createdAt: clock.now(),
        ...(body.type === 'voice' ? { joinToCreate: body.joinToCreate ?? false } : {}),
      });
      await audit.record({
        guildId,
        action: 'channel.create',
        actorId: userId,
        targetId: channel.id,
        details: { name: channel.name, type: channel.type },
      });
      await gateway.publishToGuild(guildId, 'CHANNEL_CREATE', channelView(channel, null), { channelId: channel.id });
      if (channel.type === 'category' && channel.overwrites.length) await gateway.resyncGuild(guildId);
      return channelView(channel, null);
    },

    async update(userId: string, channelId: string, body: UpdateChannelBody): Promise<Channel> {
      const access = await permissions.requireGuildChannelPermission(userId, channelId, 'MANAGE_CHANNELS');
      const { channel } = access;
      validateVoiceFields(channel.type, body);
      if (body.topic !== undefined && channel.type !== 'text')
        throw new AppError('WRONG_CHANNEL_TYPE', 'topic applies to text channels only');
      if (body.parentId !== undefined) await validateParent(access, channel.type, body.parentId);
      if (body.overwrites !== undefined) await validateOverwrites(access, body.overwrites);
      if (body.joinToCreate && channel.tempOwnerId)
        throw new AppError('WRONG_CHANNEL_TYPE', 'A temporary voice channel cannot be a join-to-create channel');
      const set: ChannelUpdate = {};
      for (const key of ['name', 'parentId', 'topic', 'bitrate', 'userLimit', 'overwrites', 'joinToCreate'] as const) {
        if (body[key] !== undefined) (set as Record<string, unknown>)[key] = body[key];
      }
      const [updated, lastId] = await Promise.all([
        Object.keys(set).length ? repos.channels.update(channelId, set) : channel,
        repos.messages.lastId(channelId),
      ]);
      if (!updated || !isGuildChannel(updated)) throw AppError.notFound('Channel');
      await audit.record({
        guildId: channel.guildId,
        action: 'channel.update',
        actorId: userId,
        targetId: channelId,
        details: { fields: Object.keys(set) },
      });
      // The settings form sends the parent and overwrites with every save: only an actual change is one.
      const moved = set.parentId !== undefined && set.parentId !== channel.parentId;
      const regranted = set.overwrites !== undefined && !sameOverwrites(set.overwrites, channel.overwrites);
      if (moved || regranted) {
        // Visibility may have changed for anyone: send each connected member their own view of the guild again.
        await gateway.resyncGuild(channel.guildId);
      } else {
        await gateway.publishToGuild(channel.guildId, 'CHANNEL_UPDATE', channelView(updated, lastId), { channelId });
      }
      return channelView(updated, lastId);
    },

    async remove(userId: string, channelId: string): Promise<void> {
      const { channel } = await permissions.requireGuildChannelPermission(userId, channelId, 'MANAGE_CHANNELS');
      await removeChannel(channel, userId);
    },

    /** Deletes a channel for the system (an empty temporary voice channel); false when it was gone already. */
    async removeBySystem(channelId: string): Promise<boolean> {
      const channel = await repos.channels.find(channelId);
      if (!channel || !isGuildChannel(channel)) return false;
      await removeChannel(channel, null);
      return true;
    },

    /**
     * Creates a temporary voice channel under the id the caller chose, once: a second call with the same id (the same
     * user's two joins racing) finds it made and announces nothing. Returns the channel as stored.
     */
    async createTemp(input: TempChannelInput): Promise<GuildChannelRecord> {
      const record: GuildChannelRecord = {
        id: input.id,
        guildId: input.guildId,
        type: 'voice',
        name: input.name,
        parentId: input.parentId,
        position: input.position,
        topic: null,
        bitrate: input.bitrate,
        userLimit: 0,
        overwrites: input.overwrites,
        createdAt: clock.now(),
        joinToCreate: false,
        tempOwnerId: input.ownerId,
        tempLobbyId: input.lobbyId,
      };
      if (!(await repos.channels.insertOnce(record))) {
        const existing = await repos.channels.find(input.id);
        if (!existing || !isGuildChannel(existing)) throw AppError.notFound('Channel');
        return existing;
      }
      await audit.record({
        guildId: input.guildId,
        action: 'channel.create',
        actorId: input.ownerId,
        targetId: input.id,
        details: { name: input.name, type: 'voice', temporary: true, lobbyId: input.lobbyId },
      });
      await gateway.publishToGuild(input.guildId, 'CHANNEL_CREATE', channelView(record, null), { channelId: input.id });
      return record;
    },

    async reorder(userId: string, guildId: string, body: ReorderChannelsBody): Promise<{ items: Channel[] }> {
      const access = await permissions.requireGuildPermission(userId, guildId, 'MANAGE_CHANNELS');
      // Only channels the caller can view: a hidden one is "unknown", exactly like an id that does not exist.
      const all = permissions.visibleChannels(access, await repos.channels.listByGuild(guildId)).map((v) => v.channel);
      const byId = new Map(all.map((c) => [c.id, c]));
      const ids = new Set<string>();
      for (const [i, item] of body.channels.entries()) {
        const channel = byId.get(item.id);
        if (!channel || ids.has(item.id))
          throw AppError.validation('Unknown or duplicate channel', [{ path: `body.channels.${i}.id`, message: 'unknown or duplicate' }]);
        ids.add(item.id);
        if (item.parentId) {
          const parent = byId.get(item.parentId);
          if (channel.type === 'category' || !parent || parent.type !== 'category')
            throw AppError.validation('parentId must be a category', [{ path: `body.channels.${i}.parentId`, message: 'not a category' }]);
        }
      }
      const updates = body.channels.map((c) => ({
        id: c.id,
        set: { position: c.position, ...(c.parentId !== undefined ? { parentId: c.parentId } : {}) } as ChannelUpdate,
      }));
      await repos.channels.bulkUpdate(guildId, updates);
      await audit.record({
        guildId,
        action: 'channel.update',
        actorId: userId,
        targetId: null,
        details: { reorder: body.channels.map((c) => c.id) },
      });
      const parentChanged = body.channels.some((c) => c.parentId !== undefined && c.parentId !== byId.get(c.id)?.parentId);
      const after = await repos.channels.listByGuild(guildId);
      const lastIds = await repos.messages.lastIds(after.map((c) => c.id));
      const view = (c: (typeof after)[number]) => channelView(c, lastIds.get(c.id) ?? null);
      if (parentChanged) await gateway.resyncGuild(guildId);
      else
        for (const c of after.filter((c) => ids.has(c.id)))
          await gateway.publishToGuild(guildId, 'CHANNEL_UPDATE', view(c), { channelId: c.id });
      return { items: permissions.visibleChannels(access, after).map((v) => view(v.channel)) };
    },
  };
}
