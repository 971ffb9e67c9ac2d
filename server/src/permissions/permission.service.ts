import { computePermissions, hasPermission, Permission, type PermissionName } from '@shared/permissions/permissions';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import {
  isPrivateChannel,
  type ChannelRecord,
  type ChannelsRepo,
  type GuildChannelRecord,
  type PrivateChannelKind,
} from '../modules/channels/channels.repo';
import type { GuildRecord, GuildsRepo, MemberRecord } from '../modules/guilds/guilds.repo';
import { PRIVATE_CHANNEL_PERMISSIONS } from '../modules/private-channels/private-channel-rules';
import type { PrivateChannelsRepo } from '../modules/private-channels/private-channels.repo';
import type { RoleRecord, RolesRepo } from '../modules/roles/roles.repo';

export interface GuildAccess {
  guild: GuildRecord;
  member: MemberRecord;
  roles: RoleRecord[];
  /** Guild-level permissions of this member. */
  permissions: number;
}

export interface GuildChannelAccess extends GuildAccess {
  channel: GuildChannelRecord;
  /** Permissions of this member in this channel (0 can't happen: no VIEW_CHANNEL ⇒ 404). */
  permissions: number;
}

export type PrivateChannelRecord = ChannelRecord & { guildId: null; type: PrivateChannelKind };

/** A recipient of a DM or group DM: no guild, no roles, the fixed PRIVATE_CHANNEL_PERMISSIONS. */
export interface PrivateChannelAccess {
  channel: PrivateChannelRecord;
  guild: null;
  member: null;
  roles: readonly RoleRecord[];
  permissions: number;
}

/** Guild channels and private channels alike (the message pipeline serves both); `guild === null` tells them apart. */
export type ChannelAccess = GuildChannelAccess | PrivateChannelAccess;

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

export function createPermissionService(deps: {
  guilds: GuildsRepo;
  roles: RolesRepo;
  channels: ChannelsRepo;
  privateChannels: Pick<PrivateChannelsRepo, 'isRecipient' | 'recipientsOf'>;
  log: Logger;
}) {
  const { guilds, roles, channels, privateChannels, log } = deps;

  /** Who is in a private channel: a 1:1 DM's two users are fixed on it, a group's members are documents. */
  async function recipientsOf(channel: PrivateChannelRecord): Promise<string[]> {
    if (channel.type === 'dm') return channel.recipientIds ?? [];
    return (await privateChannels.recipientsOf(channel.id)).map((r) => r.userId);
  }

  async function isRecipient(userId: string, channel: PrivateChannelRecord): Promise<boolean> {
    if (channel.type === 'dm') return (channel.recipientIds ?? []).includes(userId);
    return privateChannels.isRecipient(channel.id, userId);
  }

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

  /** A guild channel's access; null for a private channel (use `channelAccess` where those are welcome). */
  async function guildChannelAccess(userId: string, channel: ChannelRecord): Promise<GuildChannelAccess | null> {
    if (isPrivateChannel(channel)) return null;
    return channelAccess(userId, channel) as Promise<GuildChannelAccess | null>;
  }

  async function channelAccess(userId: string, channel: ChannelRecord): Promise<ChannelAccess | null> {
    if (isPrivateChannel(channel)) {
      if (!(await isRecipient(userId, channel))) return null;
      return { channel, guild: null, member: null, roles: [], permissions: PRIVATE_CHANNEL_PERMISSIONS };
    }
    const guildChannel = channel as GuildChannelRecord;
    const [access, category] = await Promise.all([
      requireGuildMember(userId, guildChannel.guildId).catch((err: unknown) => {
        if (err instanceof AppError && err.code === 'NOT_FOUND') return null;
        throw err;
      }),
      channel.parentId ? channels.find(channel.parentId) : Promise.resolve(null),
    ]);
    if (!access) return null;
    const permissions = forChannel(access, channel, category);
    if (!hasPermission(permissions, Permission.VIEW_CHANNEL)) return null;
    return { ...access, channel: guildChannel, permissions };
  }

  /**
   * The channel as this user may see it, or NOT_FOUND; FORBIDDEN when visible but `perm` is missing. Private channels
   * too: a recipient has PRIVATE_CHANNEL_PERMISSIONS, anyone else gets NOT_FOUND.
   */
  async function requireChannelPermission(
    userId: string,
    channelId: string,
    perm: PermissionName = 'VIEW_CHANNEL',
  ): Promise<ChannelAccess> {
    const channel = await channels.find(channelId);
    const access = channel ? await channelAccess(userId, channel) : null;
    return checked(access, userId, channelId, perm);
  }

  /** As requireChannelPermission, for guild-only features (channel settings, voice, recordings): a DM is NOT_FOUND. */
  async function requireGuildChannelPermission(
    userId: string,
    channelId: string,
    perm: PermissionName = 'VIEW_CHANNEL',
  ): Promise<GuildChannelAccess> {
    const channel = await channels.find(channelId);
    const access = channel ? await guildChannelAccess(userId, channel) : null;
    return checked(access, userId, channelId, perm);
  }

  function checked<A extends ChannelAccess>(access: A | null, userId: string, channelId: string, perm: PermissionName): A {
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
    all: GuildChannelRecord[],
  ): { channel: GuildChannelRecord; permissions: number }[] {
    const byId = new Map(all.map((c) => [c.id, c]));
    const out: { channel: GuildChannelRecord; permissions: number }[] = [];
    for (const channel of all) {
      const category = channel.parentId ? (byId.get(channel.parentId) ?? null) : null;
      const permissions = forChannel(access, channel, category);
      if (hasPermission(permissions, Permission.VIEW_CHANNEL)) out.push({ channel, permissions });
    }
    return out;
  }

  /**
   * Who can view a channel: 'everyone' when no overwrite denies VIEW_CHANNEL and @everyone has it (the common case,
   * one room emit), else the exact list of user ids. A private channel: its recipients, with `guildId: null`.
   */
  async function viewersOfChannel(
    channelId: string,
  ): Promise<{ guildId: string; viewers: 'everyone' | string[] } | { guildId: null; viewers: string[] } | null> {
    const found = await channels.find(channelId);
    if (!found) return null;
    if (isPrivateChannel(found)) return { guildId: null, viewers: await recipientsOf(found) };
    const channel = found as GuildChannelRecord;
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
    requireGuildChannelPermission,
    channelAccess,
    guildChannelAccess,
    recipientsOf,
    visibleChannels,
    viewersOfChannel,
    guildPermissions,
  };
}
