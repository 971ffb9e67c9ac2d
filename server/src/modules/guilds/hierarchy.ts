import type { GuildAccess } from '../../permissions/permission.service';
import type { MemberRecord } from './guilds.repo';
import type { RoleRecord } from '../roles/roles.repo';

/** Highest role position of a member (0 = only @everyone). */
export function highestPosition(member: MemberRecord, roles: readonly RoleRecord[]): number {
  let top = 0;
  for (const r of roles) if (member.roleIds.includes(r.id) && r.position > top) top = r.position;
  return top;
}

/** Discord's role hierarchy: only the owner, or someone whose highest role is above the target's, may act on them. */
export function outranks(actor: GuildAccess, target: MemberRecord): boolean {
  if (target.userId === actor.guild.ownerId) return false;
  if (actor.member.userId === actor.guild.ownerId) return true;
  return highestPosition(actor.member, actor.roles) > highestPosition(target, actor.roles);
}

/** May the actor assign / edit / delete this role? Owner always; else only roles strictly below their highest. */
export function canManageRole(actor: GuildAccess, role: RoleRecord): boolean {
  if (actor.member.userId === actor.guild.ownerId) return true;
  return role.position < highestPosition(actor.member, actor.roles);
}
