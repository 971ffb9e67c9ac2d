import type { GuildRemoval } from '@shared/api/gateway';
import type { BanBody, Guild, Member, PurgeMessagesResult, UpdateGuildBody, UpdateMemberBody } from '@shared/api/guilds';
import { DEFAULT_BITRATE } from '@shared/api/channels';
import { DEFAULT_EVERYONE_PERMISSIONS, hasPermission, Permission } from '@shared/permissions/permissions';
import type { Clock } from '../../clock';
import type { Repos } from '../../db/repos';
import { newId } from '../../db/ids';
import { AppError } from '../../errors';
import type { GatewayPublisher } from '../../gateway/gateway';
import { deletedUser, guildView, memberView, publicUserView } from '../../http/views';
import type { Logger } from '../../logger';
import type { PermissionService } from '../../permissions/permission.service';
import type { AuditService } from '../audit/audit.service';
import type { MemberRecord } from './guilds.repo';
import { voiceOf } from '../voice/voice.module';
import { canManageRole, outranks } from './hierarchy';
import { createMessagePurge } from './message-purge';
import { isGuildChannel } from '../channels/channels.repo';

export type GuildsService = ReturnType<typeof createGuildsService>;

export function createGuildsService(deps: {
  repos: Repos;
  permissions: PermissionService;
  gateway: GatewayPublisher;
  audit: AuditService;
  clock: Clock;
  log: Logger;
}) {
  const { repos, permissions, gateway, audit, clock, log } = deps;
  const messagePurge = createMessagePurge({ repos, gateway, audit, clock });

  async function membersView(members: MemberRecord[]): Promise<Member[]> {
    const users = await repos.users.findManyByIds(members.map((m) => m.userId));
    const byId = new Map(users.map((u) => [u.id, publicUserView(u)]));
    return members.map((m) => memberView(m, byId.get(m.userId) ?? deletedUser(m.userId)));
  }
  const memberOne = async (m: MemberRecord): Promise<Member> => (await membersView([m]))[0]!;

  /**
   * Removes a membership and tells everyone; shared by leave, kick and ban. A LiveKit token is only checked at connect,
   * so someone removed while in a voice channel is also disconnected now, not at the reconciler's next pass.
   */
  async function removeMember(guildId: string, userId: string, actorId: string, removal?: GuildRemoval): Promise<boolean> {
    const removed = await repos.guilds.deleteMember(guildId, userId);
    if (!removed) return false;
    await voiceOf(gateway)?.service.removeFromGuildVoice(guildId, userId, actorId);
    // A kicked or banned user is told why (the client shows it); leaving needs no explanation.
    gateway.publishToUser(userId, 'GUILD_DELETE', removal ? { id: guildId, removal } : { id: guildId });
    gateway.removeUserFromGuild(userId, guildId);
    await gateway.publishToGuild(guildId, 'MEMBER_REMOVE', { guildId, userId });
    return true;
  }

  return {
    membersView,
    /** Leave without the owner check (account deletion, after it made sure the user owns no guild). */
    removeMember,

    /**
     * Writes go role → channels → owner membership → guild document: the guild becomes visible only when complete, so
     * a crash half-way leaves unreachable leftovers rather than a broken guild.
     */
    async create(userId: string, name: string): Promise<Guild> {
      const now = clock.now();
      const guildId = newId();
      await repos.roles.insert({
        id: guildId,
        guildId,
        name: '@everyone',
        permissions: DEFAULT_EVERYONE_PERMISSIONS,
        position: 0,
        color: null,
        hoist: false,
        mentionable: false,
      });
      const base = { guildId, topic: null, overwrites: [], createdAt: now, parentId: null };
      const general = newId();
      await repos.channels.insert({ ...base, id: general, type: 'text', name: 'general', position: 0, bitrate: null, userLimit: null });
      await repos.channels.insert({
        ...base,
        id: newId(),
        type: 'voice',
        name: 'General',
        position: 1,
        bitrate: DEFAULT_BITRATE,
        userLimit: 0,
      });
      await repos.guilds.insertMember({ guildId, userId, roleIds: [], nick: null, joinedAt: now });
      const guild = await repos.guilds.insertGuild({
        id: guildId,
        name,
        ownerId: userId,
        icon: null,
        createdAt: now,
        systemChannelId: general,
      });
      log.info({ guildId, userId }, 'guild created');
      gateway.addUserToGuild(userId, guildId);
      const snapshot = await gateway.guildSnapshot(userId, guildId);
      if (snapshot) gateway.publishToUser(userId, 'GUILD_CREATE', snapshot);
      return guildView(guild);
    },

    async listMine(userId: string): Promise<Guild[]> {
      const memberships = await repos.guilds.membershipsOf(userId);
      const guilds = await repos.guilds.findGuilds(memberships.map((m) => m.guildId));
      return guilds.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime()).map(guildView);
    },

    async get(userId: string, guildId: string): Promise<Guild> {
      return guildView((await permissions.requireGuildMember(userId, guildId)).guild);
    },

    async update(userId: string, guildId: string, body: UpdateGuildBody): Promise<Guild> {
      const access = await permissions.requireGuildMember(userId, guildId);
      const needsManage = body.name !== undefined || body.systemChannelId !== undefined;
      if (needsManage && !hasPermission(access.permissions, Permission.MANAGE_GUILD))
        throw AppError.forbidden('Missing permission MANAGE_GUILD');
      if (body.systemChannelId) {
        // A text channel of this guild (a hidden one answers like an unknown one): join notices are text.
        const channel = await repos.channels.find(body.systemChannelId);
        const visible =
          channel && isGuildChannel(channel) && channel.guildId === guildId && permissions.visibleChannels(access, [channel]).length === 1;
        if (!channel || !visible)
          throw AppError.validation('systemChannelId must be a channel of this guild', [
            { path: 'body.systemChannelId', message: 'unknown channel' },
          ]);
        if (channel.type !== 'text') throw new AppError('WRONG_CHANNEL_TYPE', 'The system channel must be a text channel');
      }
      if (body.ownerId !== undefined) {
        if (access.guild.ownerId !== userId) throw AppError.forbidden('Only the owner can transfer ownership');
        if (!(await repos.guilds.findMember(guildId, body.ownerId)))
          throw AppError.validation('New owner must be a member', [{ path: 'body.ownerId', message: 'not a member' }]);
      }
      const set: { name?: string; ownerId?: string; systemChannelId?: string | null } = {};
      if (body.name !== undefined) set.name = body.name;
      if (body.systemChannelId !== undefined) set.systemChannelId = body.systemChannelId;
      if (body.ownerId !== undefined) set.ownerId = body.ownerId;
      const updated = Object.keys(set).length ? await repos.guilds.updateGuild(guildId, set) : access.guild;
      if (!updated) throw AppError.notFound('Guild');
      await audit.record({ guildId, action: 'guild.update', actorId: userId, targetId: guildId, details: { ...set } });
      await gateway.publishToGuild(guildId, 'GUILD_UPDATE', guildView(updated));
      if (set.ownerId) await gateway.resyncGuild(guildId);
      return guildView(updated);
    },

    /** Owner only. The guild document goes first so the guild vanishes at once; its contents are cleaned up after. */
    async remove(userId: string, guildId: string): Promise<void> {
      const access = await permissions.requireGuildMember(userId, guildId);
      if (access.guild.ownerId !== userId) throw AppError.forbidden('Only the owner can delete the guild');
      await gateway.publishToGuild(guildId, 'GUILD_DELETE', { id: guildId });
      await repos.guilds.deleteGuild(guildId);
      const members = await repos.guilds.allMembers(guildId);
      for (const m of members) gateway.removeUserFromGuild(m.userId, guildId);
      await repos.messages.deleteByGuild(guildId);
      await Promise.all([
        repos.channels.deleteAll(guildId),
        repos.roles.deleteAll(guildId),
        repos.invites.deleteByGuild(guildId),
        repos.guilds.deleteAllBans(guildId),
        repos.images.deleteAllOf('icon', guildId),
      ]);
      await repos.guilds.deleteAllMembers(guildId);
      log.info({ guildId, userId }, 'guild deleted');
    },

    async listMembers(userId: string, guildId: string, q: { after?: string; limit: number }) {
      await permissions.requireGuildMember(userId, guildId);
      const members = await repos.guilds.listMembers(guildId, q);
      return { items: await membersView(members), nextCursor: members.length === q.limit ? (members.at(-1)?.userId ?? null) : null };
    },

    async getMember(userId: string, guildId: string, targetId: string): Promise<Member> {
      await permissions.requireGuildMember(userId, guildId);
      const member = await repos.guilds.findMember(guildId, targetId);
      if (!member) throw AppError.notFound('Member');
      return memberOne(member);
    },

    async updateMember(userId: string, guildId: string, targetId: string, body: UpdateMemberBody): Promise<Member> {
      const access = await permissions.requireGuildMember(userId, guildId);
      const target = await repos.guilds.findMember(guildId, targetId);
      if (!target) throw AppError.notFound('Member');
      const set: { nick?: string | null; roleIds?: string[] } = {};
      if (body.nick !== undefined) {
        if (targetId !== userId) {
          if (!hasPermission(access.permissions, Permission.MANAGE_GUILD)) throw AppError.forbidden('Missing permission MANAGE_GUILD');
          if (!outranks(access, target)) throw AppError.forbidden('Target member is not below you');
        }
        set.nick = body.nick;
      }
      if (body.roleIds !== undefined) {
        if (!hasPermission(access.permissions, Permission.MANAGE_ROLES)) throw AppError.forbidden('Missing permission MANAGE_ROLES');
        const wanted = [...new Set(body.roleIds)];
        const byId = new Map(access.roles.map((r) => [r.id, r]));
        for (const id of wanted) {
          if (id === guildId || !byId.has(id))
            throw AppError.validation('Unknown role', [{ path: 'body.roleIds', message: `unknown role ${id}` }]);
        }
        const changed = [...wanted.filter((id) => !target.roleIds.includes(id)), ...target.roleIds.filter((id) => !wanted.includes(id))];
        for (const id of changed) {
          const role = byId.get(id);
          if (role && !canManageRole(access, role)) throw AppError.forbidden('Role is not below your highest role');
        }
        set.roleIds = wanted;
      }
      const updated = Object.keys(set).length ? await repos.guilds.updateMember(guildId, targetId, set) : target;
      if (!updated) throw AppError.notFound('Member');
      const view = await memberOne(updated);
      if (set.roleIds) {
        await audit.record({ guildId, action: 'member.update', actorId: userId, targetId, details: { roleIds: set.roleIds } });
        await gateway.resyncGuild(guildId, targetId);
      }
      await gateway.publishToGuild(guildId, 'MEMBER_UPDATE', view);
      return view;
    },

    async leave(userId: string, guildId: string): Promise<void> {
      const access = await permissions.requireGuildMember(userId, guildId);
      if (access.guild.ownerId === userId) throw new AppError('CONFLICT', 'The owner cannot leave; transfer ownership or delete the guild');
      await removeMember(guildId, userId, userId);
    },

    async kick(userId: string, guildId: string, targetId: string): Promise<void> {
      const access = await permissions.requireGuildPermission(userId, guildId, 'KICK_MEMBERS');
      const target = await repos.guilds.findMember(guildId, targetId);
      if (!target) throw AppError.notFound('Member');
      if (targetId === userId || !outranks(access, target)) throw AppError.forbidden('Target member is not below you');
      await removeMember(guildId, targetId, userId, { kind: 'kicked', reason: null });
      await audit.record({ guildId, action: 'member.kick', actorId: userId, targetId });
    },

    async listBans(userId: string, guildId: string) {
      await permissions.requireGuildPermission(userId, guildId, 'BAN_MEMBERS');
      const bans = await repos.guilds.listBans(guildId);
      const users = await repos.users.findManyByIds(bans.map((b) => b.userId));
      const byId = new Map(users.map((u) => [u.id, publicUserView(u)]));
      return {
        items: bans.map((b) => ({
          guildId,
          user: byId.get(b.userId) ?? deletedUser(b.userId),
          reason: b.reason,
          createdAt: b.createdAt.toISOString(),
        })),
      };
    },

    /**
     * The ban is written before the membership is removed: a crash in between still keeps the user out. Message history
     * (`deleteMessageSeconds`) goes last; every step is idempotent, so repeating a ban that failed half-way completes it.
     */
    async ban(userId: string, guildId: string, targetId: string, body: BanBody): Promise<void> {
      const access = await permissions.requireGuildPermission(userId, guildId, 'BAN_MEMBERS');
      if (targetId === userId) throw AppError.forbidden('You cannot ban yourself');
      if (!(await repos.users.findById(targetId))) throw AppError.notFound('User');
      const target = await repos.guilds.findMember(guildId, targetId);
      if (target ? !outranks(access, target) : targetId === access.guild.ownerId)
        throw AppError.forbidden('Target member is not below you');
      await repos.guilds.insertBan({ guildId, userId: targetId, reason: body.reason ?? null, actorId: userId, createdAt: clock.now() });
      await removeMember(guildId, targetId, userId, { kind: 'banned', reason: body.reason ?? null });
      const seconds = body.deleteMessageSeconds ?? 0;
      const purged =
        seconds > 0
          ? await messagePurge.purge({ guildId, authorId: targetId, sinceSeconds: seconds, actorId: userId, audit: 'never' })
          : null;
      const details = {
        ...(body.reason ? { reason: body.reason } : {}),
        ...(purged ? { deleteMessageSeconds: seconds, deletedMessages: purged.deleted } : {}),
      };
      await audit.record({
        guildId,
        action: 'member.ban',
        actorId: userId,
        targetId,
        details: Object.keys(details).length ? details : null,
      });
    },

    /**
     * A moderator deletes one user's messages across the guild (member or not: people who left or were banned too).
     * Guild-wide MANAGE_MESSAGES, as the deletion spans every channel.
     */
    async purgeMessages(userId: string, guildId: string, targetId: string, sinceSeconds: number | null): Promise<PurgeMessagesResult> {
      await permissions.requireGuildPermission(userId, guildId, 'MANAGE_MESSAGES');
      if (!(await repos.users.findById(targetId))) throw AppError.notFound('User');
      const { deleted } = await messagePurge.purge({ guildId, authorId: targetId, sinceSeconds, actorId: userId });
      log.info({ guildId, userId, targetId, deleted, sinceSeconds }, 'messages purged');
      return { deleted };
    },

    async unban(userId: string, guildId: string, targetId: string): Promise<void> {
      await permissions.requireGuildPermission(userId, guildId, 'BAN_MEMBERS');
      if (!(await repos.guilds.deleteBan(guildId, targetId))) throw AppError.notFound('Ban');
      await audit.record({ guildId, action: 'member.unban', actorId: userId, targetId });
    },
  };
}
