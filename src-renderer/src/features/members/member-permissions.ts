import { hasPermission, Permission } from '@shared/permissions/permissions';
import type { Channel, Guild, Member, Role, VoiceState } from '../../api/types';
import { permissionsIn, type PermissionScope } from '../guilds/permissions';

/** What the signed-in user may do to one member, as the server will judge it (the server still checks every call). */
export interface MemberCapabilities {
  nickname: boolean;
  /** Roles the user may give or take (below their highest role; all custom roles for the owner). */
  assignableRoles: Role[];
  kick: boolean;
  ban: boolean;
  /** Voice moderation applies where the target is connected; empty when they are not in voice. */
  mute: boolean;
  deafen: boolean;
  disconnect: boolean;
  /** Voice channels the target can be moved to (not the one they are in). */
  moveTargets: Channel[];
  /** Delete the target's recent messages across the guild (guild-wide MANAGE_MESSAGES, as the server requires). */
  purge: boolean;
}

export interface CapabilityInput {
  selfId: string;
  targetId: string;
  guild: Pick<Guild, 'id' | 'ownerId'>;
  roles: readonly Role[];
  members: readonly Member[];
  channels: readonly Channel[];
  /** The target's voice state in this guild, when connected. */
  targetVoice: Pick<VoiceState, 'channelId'> | null;
}

export const NO_CAPABILITIES: MemberCapabilities = {
  nickname: false,
  assignableRoles: [],
  kick: false,
  ban: false,
  mute: false,
  deafen: false,
  disconnect: false,
  moveTargets: [],
  purge: false,
};

function highestPosition(roleIds: readonly string[], roles: readonly Role[]): number {
  let top = 0;
  for (const r of roles) if (roleIds.includes(r.id) && r.position > top) top = r.position;
  return top;
}

/**
 * Mirrors the server's rules (guilds.service, hierarchy.ts, voice.service): guild permissions for kick / ban /
 * nickname / roles with Discord's role hierarchy, and channel permissions (overwrites included) where the target is
 * connected for voice moderation. The permission bits come from guilds/permissions (the server's computation); this
 * adds the hierarchy. Pure, so it is unit-tested against the same cases as the server.
 */
export function memberCapabilities(input: CapabilityInput): MemberCapabilities {
  const { selfId, targetId, guild, roles, members, channels } = input;
  const me = members.find((m) => m.user.id === selfId);
  const target = members.find((m) => m.user.id === targetId);
  if (!me) return NO_CAPABILITIES;
  const isOwner = selfId === guild.ownerId;
  const myRoleIds = me.roleIds;
  const scope: PermissionScope = { userId: selfId, guild, roles, channels, memberRoleIds: myRoleIds };
  const permsIn = (channel?: Channel | null) => permissionsIn(scope, channel);
  const guildPerms = permsIn(null);
  const can = (bit: number) => hasPermission(guildPerms, bit);
  const myTop = highestPosition(myRoleIds, roles);
  const outranks = targetId !== guild.ownerId && (isOwner || (target !== undefined && myTop > highestPosition(target.roleIds, roles)));
  const other = targetId !== selfId;

  const assignableRoles =
    can(Permission.MANAGE_ROLES) && target
      ? roles.filter((r) => r.id !== guild.id && (isOwner || r.position < myTop)).sort((a, b) => b.position - a.position)
      : [];

  const caps: MemberCapabilities = {
    nickname: !other || (can(Permission.MANAGE_GUILD) && outranks),
    assignableRoles,
    kick: other && target !== undefined && can(Permission.KICK_MEMBERS) && outranks,
    ban: other && can(Permission.BAN_MEMBERS) && outranks,
    mute: false,
    deafen: false,
    disconnect: false,
    moveTargets: [],
    purge: other && can(Permission.MANAGE_MESSAGES),
  };

  const voiceChannel = input.targetVoice ? channels.find((c) => c.id === input.targetVoice?.channelId) : undefined;
  if (voiceChannel) {
    const there = permsIn(voiceChannel);
    caps.mute = hasPermission(there, Permission.MUTE_MEMBERS);
    caps.deafen = hasPermission(there, Permission.DEAFEN_MEMBERS);
    caps.disconnect = hasPermission(there, Permission.MOVE_MEMBERS);
    if (caps.disconnect) {
      caps.moveTargets = channels.filter(
        (c) => c.type === 'voice' && c.id !== voiceChannel.id && hasPermission(permsIn(c), Permission.MOVE_MEMBERS),
      );
    }
  }
  return caps;
}

/** Whether any moderation item would show (the menu then has more than the profile and volume). */
export function hasModeration(c: MemberCapabilities): boolean {
  return c.kick || c.ban || c.purge || c.mute || c.deafen || c.disconnect || c.assignableRoles.length > 0 || c.moveTargets.length > 0;
}
