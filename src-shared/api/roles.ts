import { z } from 'zod';
import { ALL_PERMISSIONS } from '../permissions/permissions';
import { Id } from './common';
import { safeName } from './text';

export const PermissionBits = z.number().int().min(0).max(ALL_PERMISSIONS);

export const Role = z.object({
  /** @everyone has the guild's id. */
  id: Id,
  guildId: Id,
  name: z.string(),
  permissions: PermissionBits,
  /** Higher = more powerful; @everyone is 0. */
  position: z.number().int(),
  color: z.number().int().nullable(),
  /** Members whose highest hoisted role this is are listed under it in the member list. */
  hoist: z.boolean(),
  /** Anyone may mention it as `<@&roleId>`; otherwise only members with MANAGE_ROLES can. */
  mentionable: z.boolean(),
});
export type Role = z.infer<typeof Role>;

export const CreateRoleBody = z.strictObject({
  name: safeName().trim().min(1).max(100),
  permissions: PermissionBits.default(0),
  color: z.number().int().min(0).max(0xffffff).nullable().optional(),
  hoist: z.boolean().default(false),
  mentionable: z.boolean().default(false),
});
export type CreateRoleBody = z.input<typeof CreateRoleBody>;
export const UpdateRoleBody = z.strictObject({
  name: safeName().trim().min(1).max(100).optional(),
  permissions: PermissionBits.optional(),
  color: z.number().int().min(0).max(0xffffff).nullable().optional(),
  hoist: z.boolean().optional(),
  mentionable: z.boolean().optional(),
});
export type UpdateRoleBody = z.infer<typeof UpdateRoleBody>;
export const RoleParams = z.strictObject({ guildId: Id, roleId: Id });
/** Full ordering of the custom roles, lowest first; positions become 1..n. */
export const ReorderRolesBody = z.strictObject({ roleIds: z.array(Id).min(1).max(250) });
export const MemberRoleParams = z.strictObject({ guildId: Id, userId: Id, roleId: Id });
