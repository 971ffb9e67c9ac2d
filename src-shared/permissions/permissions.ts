/**
 * Parley's permission model, shared by the server (enforcement) and the client (hiding buttons a user cannot use).
 *
 * Bits follow Discord's semantics, not its bit positions: a role grants a bitfield, channel overwrites allow/deny bits
 * for a role or a member, the guild owner and ADMINISTRATOR bypass everything.
 */
export const Permission = {
  VIEW_CHANNEL: 1 << 0,
  SEND_MESSAGES: 1 << 1,
  MANAGE_MESSAGES: 1 << 2,
  MANAGE_CHANNELS: 1 << 3,
  MANAGE_ROLES: 1 << 4,
  MANAGE_GUILD: 1 << 5,
  CONNECT: 1 << 6,
  SPEAK: 1 << 7,
  MUTE_MEMBERS: 1 << 8,
  DEAFEN_MEMBERS: 1 << 9,
  MOVE_MEMBERS: 1 << 10,
  KICK_MEMBERS: 1 << 11,
  BAN_MEMBERS: 1 << 12,
  RECORD: 1 << 13,
  ADMINISTRATOR: 1 << 14,
  ADD_REACTIONS: 1 << 15,
  ATTACH_FILES: 1 << 16,
  /** Publish a camera in voice channels (Discord's "Video"). */
  VIDEO: 1 << 17,
  /** Share the screen, with its audio, in voice channels (Discord's "Go Live"). */
  STREAM: 1 << 18,
  /** Create, edit and delete the guild's outbound webhooks, and read their delivery logs. */
  MANAGE_WEBHOOKS: 1 << 19,
} as const;

export type PermissionName = keyof typeof Permission;
export const PERMISSION_NAMES = Object.keys(Permission) as PermissionName[];

/** Every defined bit; the value owners and administrators get. */
export const ALL_PERMISSIONS: number = PERMISSION_NAMES.reduce((acc, name) => acc | Permission[name], 0);

/** What a fresh guild's @everyone role may do: see, talk, react, attach files, join voice, speak, video and stream. */
export const DEFAULT_EVERYONE_PERMISSIONS: number =
  Permission.VIEW_CHANNEL |
  Permission.SEND_MESSAGES |
  Permission.ADD_REACTIONS |
  Permission.ATTACH_FILES |
  Permission.CONNECT |
  Permission.SPEAK |
  Permission.VIDEO |
  Permission.STREAM;

export interface PermissionOverwrite {
  /** A role id (the guild id for @everyone) or a user id. */
  id: string;
  type: 'role' | 'member';
  allow: number;
  deny: number;
}

export interface RoleLike {
  id: string;
  permissions: number;
}

export interface ChannelLike {
  overwrites: readonly PermissionOverwrite[];
}

export interface PermissionInput {
  userId: string;
  guildId: string;
  ownerId: string;
  /** Every role of the guild, including @everyone (whose id is the guild id). */
  roles: readonly RoleLike[];
  /** The member's role ids, without @everyone. Unknown ids are ignored. */
  memberRoleIds: readonly string[];
  /** The category the channel sits in, when it has one. Its overwrites apply first. */
  category?: ChannelLike | null;
  /** The channel; when absent the guild-level permissions are returned. */
  channel?: ChannelLike | null;
}

export function hasPermission(perms: number, bit: number): boolean {
  return (perms & bit) === bit;
}

function applyOverwrites(perms: number, overwrites: readonly PermissionOverwrite[], input: PermissionInput): number {
  let result = perms;
  // Order matters and mirrors Discord: @everyone overwrite, then all of the member's role overwrites combined, then the
  // member's own overwrite — each later step can undo an earlier one.
  const everyone = overwrites.find((o) => o.type === 'role' && o.id === input.guildId);
  if (everyone) result = (result & ~everyone.deny) | everyone.allow;
  let allow = 0;
  let deny = 0;
  for (const o of overwrites) {
    if (o.type === 'role' && o.id !== input.guildId && input.memberRoleIds.includes(o.id)) {
      allow |= o.allow;
      deny |= o.deny;
    }
  }
  result = (result & ~deny) | allow;
  const member = overwrites.find((o) => o.type === 'member' && o.id === input.userId);
  if (member) result = (result & ~member.deny) | member.allow;
  return result;
}

/**
 * Effective permissions of one member, at guild level or in one channel. Pure: callers load the data.
 *
 * 1. The owner has everything. 2. Base = @everyone | each of the member's roles. 3. ADMINISTRATOR ⇒ everything.
 * 4. Category overwrites, then channel overwrites (each: @everyone, roles, member). 5. No VIEW_CHANNEL in a channel ⇒ 0,
 * because a channel you cannot see must not leak anything (send, connect, …).
 */
export function computePermissions(input: PermissionInput): number {
  if (input.userId === input.ownerId) return ALL_PERMISSIONS;
  let base = 0;
  for (const role of input.roles) {
    if (role.id === input.guildId || input.memberRoleIds.includes(role.id)) base |= role.permissions;
  }
  base &= ALL_PERMISSIONS;
  if (hasPermission(base, Permission.ADMINISTRATOR)) return ALL_PERMISSIONS;
  if (!input.channel) return base;
  let perms = base;
  if (input.category) perms = applyOverwrites(perms, input.category.overwrites, input);
  perms = applyOverwrites(perms, input.channel.overwrites, input);
  perms &= ALL_PERMISSIONS;
  if (!hasPermission(perms, Permission.VIEW_CHANNEL)) return 0;
  return perms;
}

export function permissionNames(perms: number): PermissionName[] {
  return PERMISSION_NAMES.filter((name) => hasPermission(perms, Permission[name]));
}
