import type { AuditEntry } from '@shared/api/audit';
import type { Channel } from '@shared/api/channels';
import type { Guild, Member } from '@shared/api/guilds';
import type { Message } from '@shared/api/messages';
import type { Role } from '@shared/api/roles';
import type { PublicUser, User } from '@shared/api/users';
import type { AuditRecord } from '../modules/audit/audit.repo';
import type { GuildChannelRecord } from '../modules/channels/channels.repo';
import type { GuildRecord, MemberRecord } from '../modules/guilds/guilds.repo';
import type { MessageRecord } from '../modules/messages/messages.repo';
import type { RoleRecord } from '../modules/roles/roles.repo';
import type { UserRecord } from '../modules/users/users.repo';

/** Records → API shapes (string ids, ISO timestamps). Never leaks stored-only fields such as password hashes. */
export const userView = (u: UserRecord): User => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  avatar: u.avatar,
  createdAt: u.createdAt.toISOString(),
  status: u.status,
  ...(u.bot ? { bot: true } : {}),
});
export const publicUserView = (u: UserRecord): PublicUser => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  avatar: u.avatar,
  ...(u.bot ? { bot: true } : {}),
});
export const deletedUser = (id: string): PublicUser => ({ id, username: 'deleted-user', displayName: 'Deleted user', avatar: null });
export const guildView = (g: GuildRecord): Guild => ({
  id: g.id,
  name: g.name,
  ownerId: g.ownerId,
  icon: g.icon,
  createdAt: g.createdAt.toISOString(),
  systemChannelId: g.systemChannelId,
});
export const memberView = (m: MemberRecord, user: PublicUser): Member => ({
  guildId: m.guildId,
  user,
  roleIds: m.roleIds,
  nick: m.nick,
  joinedAt: m.joinedAt.toISOString(),
});
export const roleView = (r: RoleRecord): Role => ({
  id: r.id,
  guildId: r.guildId,
  name: r.name,
  permissions: r.permissions,
  position: r.position,
  color: r.color,
  hoist: r.hoist,
  mentionable: r.mentionable,
});
/** `lastMessageId` from MessagesRepo.lastIds / lastId (null for a channel without messages). */
export const channelView = (c: GuildChannelRecord, lastMessageId: string | null): Channel => ({
  id: c.id,
  guildId: c.guildId,
  type: c.type,
  name: c.name,
  parentId: c.parentId,
  position: c.position,
  topic: c.topic,
  bitrate: c.bitrate,
  userLimit: c.userLimit,
  overwrites: c.overwrites,
  lastMessageId,
  ...(c.type === 'voice' ? { joinToCreate: c.joinToCreate === true } : {}),
  ...(c.tempOwnerId !== undefined ? { tempOwnerId: c.tempOwnerId } : {}),
});
export const messageView = (m: MessageRecord, author: PublicUser): Message => ({
  id: m.id,
  channelId: m.channelId,
  guildId: m.guildId,
  author,
  content: m.content,
  mentions: m.mentions,
  mentionRoles: m.mentionRoles,
  type: m.type,
  nonce: m.nonce,
  createdAt: m.createdAt.toISOString(),
  editedAt: m.editedAt ? m.editedAt.toISOString() : null,
  reactions: [],
  reference: null,
  pinned: false,
  embeds: m.embeds,
  suppressEmbeds: m.suppressEmbeds,
  attachments: m.attachments,
});
export const auditView = (e: AuditRecord): AuditEntry => ({
  id: e.id,
  guildId: e.guildId,
  action: e.action,
  actorId: e.actorId,
  targetId: e.targetId,
  details: e.details,
  createdAt: e.createdAt.toISOString(),
});
