import type { CreateRoleBody, Role, UpdateRoleBody } from '@shared/api/roles';
import type { Repos } from '../../db/repos';
import { newId } from '../../db/ids';
import { AppError } from '../../errors';
import type { GatewayPublisher } from '../../gateway/gateway';
import { deletedUser, memberView, publicUserView, roleView } from '../../http/views';
import type { GuildAccess, PermissionService } from '../../permissions/permission.service';
import type { AuditService } from '../audit/audit.service';
import { canManageRole, highestPosition } from '../guilds/hierarchy';

/** A non-owner can only hand out permissions they hold themselves (ADMINISTRATOR holders hold all). */
function assertGrantable(access: GuildAccess, permissions: number): void {
  if (access.guild.ownerId === access.member.userId) return;
  if ((permissions & ~access.permissions) !== 0) throw AppError.forbidden('You cannot grant permissions you do not have');
}

export function createRolesService(deps: { repos: Repos; permissions: PermissionService; gateway: GatewayPublisher; audit: AuditService }) {
  const { repos, permissions, gateway, audit } = deps;

  async function requireManageableRole(userId: string, guildId: string, roleId: string) {
    const access = await permissions.requireGuildPermission(userId, guildId, 'MANAGE_ROLES');
    const role = access.roles.find((r) => r.id === roleId);
    if (!role) throw AppError.notFound('Role');
    if (role.id !== guildId && !canManageRole(access, role)) throw AppError.forbidden('Role is not below your highest role');
    return { access, role };
  }

  async function memberRoleChange(userId: string, guildId: string, targetId: string, roleId: string, add: boolean): Promise<void> {
    const { role } = await requireManageableRole(userId, guildId, roleId);
    if (role.id === guildId) throw AppError.validation('@everyone cannot be assigned', [{ path: 'params.roleId', message: '@everyone' }]);
    const updated = add
      ? await repos.guilds.addMemberRole(guildId, targetId, roleId)
      : await repos.guilds.removeMemberRole(guildId, targetId, roleId);
    if (!updated) throw AppError.notFound('Member');
    const user = await repos.users.findById(targetId);
    await audit.record({
      guildId,
      action: 'member.update',
      actorId: userId,
      targetId,
      details: { [add ? 'addedRoleId' : 'removedRoleId']: roleId },
    });
    await gateway.publishToGuild(guildId, 'MEMBER_UPDATE', memberView(updated, user ? publicUserView(user) : deletedUser(targetId)));
    await gateway.resyncGuild(guildId, targetId);
  }

  return {
    async list(userId: string, guildId: string): Promise<{ items: Role[] }> {
      const access = await permissions.requireGuildMember(userId, guildId);
      return { items: access.roles.map(roleView) };
    },

    /** New roles start at position 1 (just above @everyone), like Discord; existing custom roles move up by one. */
    async create(userId: string, guildId: string, body: CreateRoleBody): Promise<Role> {
      const permissionBits = body.permissions ?? 0;
      const access = await permissions.requireGuildPermission(userId, guildId, 'MANAGE_ROLES');
      assertGrantable(access, permissionBits);
      if (access.roles.length >= 250) throw new AppError('CONFLICT', 'A guild has at most 250 roles');
      await repos.roles.setPositions(
        guildId,
        access.roles.filter((r) => r.id !== guildId).map((r) => ({ id: r.id, position: r.position + 1 })),
      );
      const role = await repos.roles.insert({
        id: newId(),
        guildId,
        name: body.name,
        permissions: permissionBits,
        position: 1,
        color: body.color ?? null,
        hoist: body.hoist ?? false,
        mentionable: body.mentionable ?? false,
      });
      await audit.record({
        guildId,
        action: 'role.create',
        actorId: userId,
        targetId: role.id,
        details: { name: role.name, permissions: role.permissions },
      });
      await gateway.publishToGuild(guildId, 'ROLE_CREATE', roleView(role));
      return roleView(role);
    },

    async update(userId: string, guildId: string, roleId: string, body: UpdateRoleBody): Promise<Role> {
      const { access, role } = await requireManageableRole(userId, guildId, roleId);
      if (body.permissions !== undefined) assertGrantable(access, body.permissions ^ role.permissions);
      if (roleId === guildId && body.name !== undefined)
        throw AppError.validation('@everyone cannot be renamed', [{ path: 'body.name', message: '@everyone' }]);
      const set: UpdateRoleBody = {};
      if (body.name !== undefined) set.name = body.name;
      if (body.permissions !== undefined) set.permissions = body.permissions;
      if (body.color !== undefined) set.color = body.color;
      if (body.hoist !== undefined) set.hoist = body.hoist;
      if (body.mentionable !== undefined) set.mentionable = body.mentionable;
      const updated = Object.keys(set).length ? await repos.roles.update(guildId, roleId, set) : role;
      if (!updated) throw AppError.notFound('Role');
      await audit.record({ guildId, action: 'role.update', actorId: userId, targetId: roleId, details: { ...set } });
      await gateway.publishToGuild(guildId, 'ROLE_UPDATE', roleView(updated));
      if (set.permissions !== undefined) await gateway.resyncGuild(guildId);
      return roleView(updated);
    },

    async remove(userId: string, guildId: string, roleId: string): Promise<void> {
      await requireManageableRole(userId, guildId, roleId);
      if (roleId === guildId) throw AppError.validation('@everyone cannot be deleted', [{ path: 'params.roleId', message: '@everyone' }]);
      // Role first: once it is gone it grants nothing, whatever references remain; then clean the references.
      await repos.roles.delete(guildId, roleId);
      await repos.guilds.pullRoleFromAll(guildId, roleId);
      await repos.channels.pullOverwrites(guildId, roleId);
      await audit.record({ guildId, action: 'role.delete', actorId: userId, targetId: roleId });
      await gateway.publishToGuild(guildId, 'ROLE_DELETE', { id: roleId, guildId });
      await gateway.resyncGuild(guildId);
    },

    async reorder(userId: string, guildId: string, roleIds: string[]): Promise<{ items: Role[] }> {
      const access = await permissions.requireGuildPermission(userId, guildId, 'MANAGE_ROLES');
      const custom = access.roles.filter((r) => r.id !== guildId);
      const unique = new Set(roleIds);
      if (unique.size !== roleIds.length || roleIds.length !== custom.length || custom.some((r) => !unique.has(r.id))) {
        throw AppError.validation('roleIds must list every custom role exactly once', [
          { path: 'body.roleIds', message: 'incomplete or duplicate' },
        ]);
      }
      const isOwner = access.guild.ownerId === userId;
      const top = highestPosition(access.member, access.roles);
      const moves = roleIds
        .map((id, i) => ({ id, position: i + 1 }))
        .filter((m) => custom.find((r) => r.id === m.id)?.position !== m.position);
      for (const m of moves) {
        const current = custom.find((r) => r.id === m.id)!;
        if (!isOwner && (current.position >= top || m.position >= top))
          throw AppError.forbidden('You can only move roles below your highest role');
      }
      await repos.roles.setPositions(guildId, moves);
      const roles = await repos.roles.listByGuild(guildId);
      for (const r of roles.filter((r) => moves.some((m) => m.id === r.id)))
        await gateway.publishToGuild(guildId, 'ROLE_UPDATE', roleView(r));
      if (moves.length)
        await audit.record({ guildId, action: 'role.update', actorId: userId, targetId: null, details: { reorder: roleIds } });
      return { items: roles.map(roleView) };
    },

    addToMember: (userId: string, guildId: string, targetId: string, roleId: string) =>
      memberRoleChange(userId, guildId, targetId, roleId, true),
    removeFromMember: (userId: string, guildId: string, targetId: string, roleId: string) =>
      memberRoleChange(userId, guildId, targetId, roleId, false),
  };
}
