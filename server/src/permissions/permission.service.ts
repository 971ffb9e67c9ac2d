import { computePermissions, hasPermission, Permission, type PermissionName } from '@shared/permissions/permissions';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { ChannelRecord, ChannelsRepo } from '../modules/channels/channels.repo';
import type { GuildRecord, GuildsRepo, MemberRecord } from '../modules/guilds/guilds.repo';
import type { RoleRecord, RolesRepo } from '../modules/roles/roles.repo';

export interface GuildAccess {
  guild: GuildRecord;
  member: MemberRecord;
  roles: RoleRecord[];
  /** Guild-level permissions of this member. */
  permissions: number;
}

export interface ChannelAccess extends GuildAccess {
  channel: ChannelRecord;
  /** Permissions of this member in this channel (0 can't happen: no VIEW_CHANNEL ⇒ 404). */
  permissions: number;
}

/**
 * The one place that answers "may this user do X here?". Every route and gateway event goes through it.
 *
 * Usage from another module (VOICE, EGRESS):
 *   const { channel, guild, permissions } = await ctx.permissions.requireChannelPermission(userId, channelId, 'CONNECT');
 *   if (hasPermission(permissions, Permission.SPEAK)) …
 * It throws NOT_FOUND when the guild/channel does not exist, the user is not a member, or cannot VIEW the channel
 * (so existence never leaks), and FORBIDDEN when they can see it but lack the permission.
 */
export type PermissionService = ReturnType<typeof createPermissionService>;

export function createPermissionService(deps: { guilds: GuildsRepo; roles: RolesRepo; channels: ChannelsRepo; log: Logger }) {
  const { guilds, roles, channels, log } = deps;

  function forChannel(access: Omit<GuildAccess, 'permissions'>, channel: ChannelRecord, category: ChannelRecord | null): number {
    return computePermissions({
      userId: access.member.userId,
      guildId: access.guild.id,
      ownerId: access.guild.ownerId,
      roles: access.roles,
      memberRoleIds: access.member.roleIds,
      category: category ? { overwrites: category.overwrites } : null,
      channel: { overwrites: channel.overwrites },
    });
  }

  function guildPermissions(guild: GuildRecord, member: MemberRecord, guildRoles: RoleRecord[]): number {
    return computePermissions({
      userId: member.userId,
      guildId: guild.id,
      ownerId: guild.ownerId,
      roles: guildRoles,
      memberRoleIds: member.roleIds,
    });
  }

  async function requireGuildMember(userId: string, guildId: string): Promise<GuildAccess> {
    const [guild, member, guildRoles] = await Promise.all([
      guilds.findGuild(guildId),
      guilds.findMember(guildId, userId),
      roles.listByGuild(guildId),
    ]);
    if (!guild || !member) throw AppError.notFound('Guild');
    return { guild, member, roles: guildRoles, permissions: guildPermissions(guild, member, guildRoles) };
  }

  async function requireGuildPermission(userId: string, guildId: string, perm: PermissionName): Promise<GuildAccess> {
    const access = await requireGuildMember(userId, guildId);
    if (!hasPermission(access.permissions, Permission[perm])) {
      log.info({ userId, guildId, perm }, 'permission denied');
      throw AppError.forbidden(`Missing permission ${perm}`);
    }
    return access;
  }

  async function channelAccess(userId: string, channel: ChannelRecord): Promise<ChannelAccess | null> {
    const [access, category] = await Promise.all([
      requireGuildMember(userId, channel.guildId).catch((err: unknown) => {
        if (err instanceof AppError && err.code === 'NOT_FOUND') return null;
        throw err;
      }),
      channel.parentId ? channels.find(channel.parentId) : Promise.resolve(null),
    ]);
    if (!access) return null;
    const permissions = forChannel(access, channel, category);
    if (!hasPermission(permissions, Permission.VIEW_CHANNEL)) return null;
    return { ...access, channel, permissions };
  }

  /** The channel as this user may see it, or NOT_FOUND; FORBIDDEN when visible but `perm` is missing. */
  async function requireChannelPermission(
    userId: string,
    channelId: string,
    perm: PermissionName = 'VIEW_CHANNEL',
  ): Promise<ChannelAccess> {
    const channel = await channels.find(channelId);
    const access = channel ? await channelAccess(userId, channel) : null;
    if (!access) throw AppError.notFound('Channel');
    if (!hasPermission(access.permissions, Permission[perm])) {
      log.info({ userId, channelId, perm }, 'permission denied');
      throw AppError.forbidden(`Missing permission ${perm}`);
    }
    return access;
  }

  /** Channels of a guild this member can view, with their permissions. */
  function visibleChannels(
    access: Omit<GuildAccess, 'permissions'>,
    all: ChannelRecord[],
  ): { channel: ChannelRecord; permissions: number }[] {
    const byId = new Map(all.map((c) => [c.id, c]));
    const out: { channel: ChannelRecord; permissions: number }[] = [];
    for (const channel of all) {
      const category = channel.parentId ? (byId.get(channel.parentId) ?? null) : null;
      const permissions = forChannel(access, channel, category);
      if (hasPermission(permissions, Permission.VIEW_CHANNEL)) out.push({ channel, permissions });
    }
    return out;
  }

  /**
   * Who can view a channel: 'everyone' when no overwrite denies VIEW_CHANNEL and @everyone has it (the common case,
   * one room emit), else the exact list of user ids.
   */
  async function viewersOfChannel(channelId: string): Promise<{ guildId: string; viewers: 'everyone' | string[] } | null> {
    const channel = await channels.find(channelId);
    if (!channel) return null;
    const [guild, guildRoles, category] = await Promise.all([
      guilds.findGuild(channel.guildId),
      roles.listByGuild(channel.guildId),
      channel.parentId ? channels.find(channel.parentId) : Promise.resolve(null),
    ]);
    if (!guild) return null;
    const overwrites = [...(category?.overwrites ?? []), ...channel.overwrites];
    const everyoneRole = guildRoles.find((r) => r.id === guild.id);
    const anyDeny = overwrites.some((o) => hasPermission(o.deny, Permission.VIEW_CHANNEL));
    if (!anyDeny && everyoneRole && hasPermission(everyoneRole.permissions, Permission.VIEW_CHANNEL)) {
      return { guildId: guild.id, viewers: 'everyone' };
    }
    const members = await guilds.allMembers(guild.id);
    const viewers = members
      .filter((member) => hasPermission(forChannel({ guild, member, roles: guildRoles }, channel, category), Permission.VIEW_CHANNEL))
      .map((m) => m.userId);
    return { guildId: guild.id, viewers };
  }

  return {
    requireGuildMember,
    requireGuildPermission,
    requireChannelPermission,
    channelAccess,
    visibleChannels,
    viewersOfChannel,
    guildPermissions,
  };
}
