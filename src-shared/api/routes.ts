import { z } from 'zod';
import { DeleteMeBody, UserExport } from './account';
import { AuditEntry, AuditQuery } from './audit';
import { Channel, CreateChannelBody, ReorderChannelsBody, UpdateChannelBody } from './channels';
import { ChannelIdParams, GuildIdParams, page } from './common';
import { defineRoute } from './contract';
import {
  Ban,
  BanBody,
  CreateGuildBody,
  CreateInviteBody,
  Guild,
  GuildMemberParams,
  Invite,
  InviteCodeParams,
  InvitePreview,
  Member,
  MembersPage,
  MembersQuery,
  PurgeMessagesQuery,
  PurgeMessagesResult,
  UpdateGuildBody,
  UpdateMemberBody,
} from './guilds';
import { GuildIconParams, IMAGE_UPLOAD_ERRORS, IMAGE_UPLOAD_MAX_BYTES, IMAGE_UPLOAD_TYPES, UserAvatarParams } from './images';
import { EditMessageBody, HistoryQuery, Message, MessageEdits, MessageParams, PinParams, SendMessageBody } from './messages';
import { ReactionParams, ReactionUsersQuery, UserReactionParams } from './reactions';
import { CreateRoleBody, MemberRoleParams, ReorderRolesBody, Role, RoleParams, UpdateRoleBody } from './roles';
import { AckBody, ReadState } from './read-states';
import { DeviceSession, LoginBody, LogoutBody, PatchMeBody, PublicUser, RefreshBody, RegisterBody, Session, SessionIdParams, User } from './users';

const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

/**
 * Every REST route of the core server (under /api/v1). Voice and recordings routes live in their own contract files
 * (src-shared/api/voice.ts, recordings.ts) and are added to the OpenAPI document by their server modules.
 */
export const routes = {
  // Accounts
  register: defineRoute({ tag: 'auth', method: 'post', path: '/auth/register', summary: 'Create an account and sign in', auth: false, body: RegisterBody, response: Session, status: 201 }),
  login: defineRoute({ tag: 'auth', method: 'post', path: '/auth/login', summary: 'Sign in', auth: false, body: LoginBody, response: Session }),
  refresh: defineRoute({ tag: 'auth', method: 'post', path: '/auth/refresh', summary: 'Rotate a refresh token for a new session pair', auth: false, body: RefreshBody, response: Session }),
  logout: defineRoute({ tag: 'auth', method: 'post', path: '/auth/logout', summary: 'Revoke a refresh token (and its family)', auth: false, body: LogoutBody, status: 204 }),
  getMe: defineRoute({ tag: 'users', method: 'get', path: '/users/@me', summary: 'My account', auth: true, response: User }),
  patchMe: defineRoute({ tag: 'users', method: 'patch', path: '/users/@me', summary: 'Update my display name, username or password (both need currentPassword; a taken username is 409 USERNAME_TAKEN), or my status', auth: true, body: PatchMeBody, response: User }),
  listSessions: defineRoute({ tag: 'users', method: 'get', path: '/users/@me/sessions', summary: 'My signed-in devices (refresh-token families), the current one marked', auth: true, response: list(DeviceSession) }),
  revokeSession: defineRoute({ tag: 'users', method: 'delete', path: '/users/@me/sessions/:sessionId', summary: "Log out one of my sessions: its refresh token and access tokens stop working and its gateway connections close (404 if it is not a live session of mine)", auth: true, params: SessionIdParams, status: 204 }),
  revokeOtherSessions: defineRoute({ tag: 'users', method: 'delete', path: '/users/@me/sessions', summary: 'Log out every session but the one making this request', auth: true, status: 204 }),
  deleteMe: defineRoute({ tag: 'users', method: 'delete', path: '/users/@me', summary: 'Delete my account (current password required; 409 while I own a guild). My messages stay, shown as a deleted user', auth: true, body: DeleteMeBody, status: 204 }),
  exportMe: defineRoute({ tag: 'users', method: 'get', path: '/users/@me/export', summary: 'Download my data: profile, memberships and every message I wrote (JSON attachment)', auth: true, response: UserExport }),
  setMyAvatar: defineRoute({ tag: 'users', method: 'put', path: '/users/@me/avatar', summary: 'Set my avatar: the image as the raw body, stored as a 256×256 WebP without metadata', auth: true, upload: { mediaTypes: IMAGE_UPLOAD_TYPES, maxBytes: IMAGE_UPLOAD_MAX_BYTES }, errors: IMAGE_UPLOAD_ERRORS, response: User }),
  removeMyAvatar: defineRoute({ tag: 'users', method: 'delete', path: '/users/@me/avatar', summary: 'Remove my avatar', auth: true, response: User }),
  // Public: an <img> cannot send the Bearer token, so the unguessable content hash in the URL is what guards it.
  getUserAvatar: defineRoute({ tag: 'users', method: 'get', path: '/users/:userId/avatars/:hash', summary: "A user's avatar (image/webp, cached for good); 404 once it was replaced", auth: false, params: UserAvatarParams, produces: 'image/webp' }),
  leaveGuild: defineRoute({ tag: 'guilds', method: 'delete', path: '/users/@me/guilds/:guildId', summary: 'Leave a guild', auth: true, params: GuildIdParams, status: 204 }),

  // Guilds
  createGuild: defineRoute({ tag: 'guilds', method: 'post', path: '/guilds', summary: 'Create a guild (you become its owner)', auth: true, body: CreateGuildBody, response: Guild, status: 201 }),
  listMyGuilds: defineRoute({ tag: 'guilds', method: 'get', path: '/guilds', summary: 'Guilds I am a member of', auth: true, response: list(Guild) }),
  getGuild: defineRoute({ tag: 'guilds', method: 'get', path: '/guilds/:guildId', summary: 'One guild', auth: true, params: GuildIdParams, response: Guild }),
  updateGuild: defineRoute({ tag: 'guilds', method: 'patch', path: '/guilds/:guildId', summary: 'Rename or set the system channel (MANAGE_GUILD), transfer ownership (owner)', auth: true, params: GuildIdParams, body: UpdateGuildBody, response: Guild }),
  setGuildIcon: defineRoute({ tag: 'guilds', method: 'put', path: '/guilds/:guildId/icon', summary: 'Set the icon (MANAGE_GUILD): the image as the raw body, stored as a 256×256 WebP without metadata', auth: true, params: GuildIdParams, upload: { mediaTypes: IMAGE_UPLOAD_TYPES, maxBytes: IMAGE_UPLOAD_MAX_BYTES }, errors: IMAGE_UPLOAD_ERRORS, response: Guild }),
  removeGuildIcon: defineRoute({ tag: 'guilds', method: 'delete', path: '/guilds/:guildId/icon', summary: 'Remove the icon (MANAGE_GUILD)', auth: true, params: GuildIdParams, response: Guild }),
  // Public for the same reason as getUserAvatar.
  getGuildIcon: defineRoute({ tag: 'guilds', method: 'get', path: '/guilds/:guildId/icons/:hash', summary: "A guild's icon (image/webp, cached for good); 404 once it was replaced", auth: false, params: GuildIconParams, produces: 'image/webp' }),
  deleteGuild: defineRoute({ tag: 'guilds', method: 'delete', path: '/guilds/:guildId', summary: 'Delete a guild (owner only)', auth: true, params: GuildIdParams, status: 204 }),
  listMembers: defineRoute({ tag: 'members', method: 'get', path: '/guilds/:guildId/members', summary: 'Members, by user id', auth: true, params: GuildIdParams, query: MembersQuery, response: MembersPage }),
  getMember: defineRoute({ tag: 'members', method: 'get', path: '/guilds/:guildId/members/:userId', summary: 'One member', auth: true, params: GuildMemberParams, response: Member }),
  updateMember: defineRoute({ tag: 'members', method: 'patch', path: '/guilds/:guildId/members/:userId', summary: 'Nickname (self or MANAGE_GUILD) and roles (MANAGE_ROLES)', auth: true, params: GuildMemberParams, body: UpdateMemberBody, response: Member }),
  kickMember: defineRoute({ tag: 'members', method: 'delete', path: '/guilds/:guildId/members/:userId', summary: 'Kick (KICK_MEMBERS)', auth: true, params: GuildMemberParams, status: 204 }),
  purgeMemberMessages: defineRoute({ tag: 'members', method: 'delete', path: '/guilds/:guildId/members/:userId/messages', summary: "Delete a user's messages in this guild, all or the last sinceSeconds (MANAGE_MESSAGES; also for users who left)", auth: true, params: GuildMemberParams, query: PurgeMessagesQuery, response: PurgeMessagesResult }),
  listBans: defineRoute({ tag: 'members', method: 'get', path: '/guilds/:guildId/bans', summary: 'Bans (BAN_MEMBERS)', auth: true, params: GuildIdParams, response: list(Ban) }),
  banMember: defineRoute({ tag: 'members', method: 'put', path: '/guilds/:guildId/bans/:userId', summary: 'Ban and remove (BAN_MEMBERS); deleteMessageSeconds also deletes their recent messages', auth: true, params: GuildMemberParams, body: BanBody, status: 204 }),
  unbanMember: defineRoute({ tag: 'members', method: 'delete', path: '/guilds/:guildId/bans/:userId', summary: 'Unban (BAN_MEMBERS)', auth: true, params: GuildMemberParams, status: 204 }),

  // Invites
  createInvite: defineRoute({ tag: 'invites', method: 'post', path: '/guilds/:guildId/invites', summary: 'Create an invite (any member)', auth: true, params: GuildIdParams, body: CreateInviteBody, response: Invite, status: 201 }),
  listInvites: defineRoute({ tag: 'invites', method: 'get', path: '/guilds/:guildId/invites', summary: 'Invites (MANAGE_GUILD)', auth: true, params: GuildIdParams, response: list(Invite) }),
  previewInvite: defineRoute({ tag: 'invites', method: 'get', path: '/invites/:code', summary: 'Public preview of an invite', auth: false, params: InviteCodeParams, response: InvitePreview }),
  acceptInvite: defineRoute({ tag: 'invites', method: 'post', path: '/invites/:code', summary: 'Join the guild of an invite', auth: true, params: InviteCodeParams, response: Guild }),
  deleteInvite: defineRoute({ tag: 'invites', method: 'delete', path: '/invites/:code', summary: 'Revoke an invite (inviter or MANAGE_GUILD)', auth: true, params: InviteCodeParams, status: 204 }),

  // Roles
  listRoles: defineRoute({ tag: 'roles', method: 'get', path: '/guilds/:guildId/roles', summary: 'Roles, by position', auth: true, params: GuildIdParams, response: list(Role) }),
  createRole: defineRoute({ tag: 'roles', method: 'post', path: '/guilds/:guildId/roles', summary: 'Create a role (MANAGE_ROLES)', auth: true, params: GuildIdParams, body: CreateRoleBody, response: Role, status: 201 }),
  reorderRoles: defineRoute({ tag: 'roles', method: 'patch', path: '/guilds/:guildId/roles', summary: 'Reorder custom roles (MANAGE_ROLES)', auth: true, params: GuildIdParams, body: ReorderRolesBody, response: list(Role) }),
  updateRole: defineRoute({ tag: 'roles', method: 'patch', path: '/guilds/:guildId/roles/:roleId', summary: 'Update a role (MANAGE_ROLES)', auth: true, params: RoleParams, body: UpdateRoleBody, response: Role }),
  deleteRole: defineRoute({ tag: 'roles', method: 'delete', path: '/guilds/:guildId/roles/:roleId', summary: 'Delete a role (MANAGE_ROLES)', auth: true, params: RoleParams, status: 204 }),
  addMemberRole: defineRoute({ tag: 'roles', method: 'put', path: '/guilds/:guildId/members/:userId/roles/:roleId', summary: 'Give a role (MANAGE_ROLES)', auth: true, params: MemberRoleParams, status: 204 }),
  removeMemberRole: defineRoute({ tag: 'roles', method: 'delete', path: '/guilds/:guildId/members/:userId/roles/:roleId', summary: 'Take a role (MANAGE_ROLES)', auth: true, params: MemberRoleParams, status: 204 }),

  // Channels
  listChannels: defineRoute({ tag: 'channels', method: 'get', path: '/guilds/:guildId/channels', summary: 'Channels I can view', auth: true, params: GuildIdParams, response: list(Channel) }),
  createChannel: defineRoute({ tag: 'channels', method: 'post', path: '/guilds/:guildId/channels', summary: 'Create a category, text or voice channel (MANAGE_CHANNELS)', auth: true, params: GuildIdParams, body: CreateChannelBody, response: Channel, status: 201 }),
  reorderChannels: defineRoute({ tag: 'channels', method: 'patch', path: '/guilds/:guildId/channels', summary: 'Move channels (MANAGE_CHANNELS)', auth: true, params: GuildIdParams, body: ReorderChannelsBody, response: list(Channel) }),
  getChannel: defineRoute({ tag: 'channels', method: 'get', path: '/channels/:channelId', summary: 'One channel', auth: true, params: ChannelIdParams, response: Channel }),
  updateChannel: defineRoute({ tag: 'channels', method: 'patch', path: '/channels/:channelId', summary: 'Update a channel (MANAGE_CHANNELS; overwrites also MANAGE_ROLES)', auth: true, params: ChannelIdParams, body: UpdateChannelBody, response: Channel }),
  deleteChannel: defineRoute({ tag: 'channels', method: 'delete', path: '/channels/:channelId', summary: 'Delete a channel (MANAGE_CHANNELS)', auth: true, params: ChannelIdParams, status: 204 }),

  // Read state (one marker per user per channel, synced to every session by READ_STATE_UPDATE)
  ackMessage: defineRoute({ tag: 'read-states', method: 'post', path: '/channels/:channelId/messages/:messageId/ack', summary: 'Mark the channel read up to this message (only forward), or with manual: true unread from this message on (VIEW_CHANNEL)', auth: true, params: MessageParams, body: AckBody, response: ReadState, errors: { '400': 'VALIDATION_FAILED: malformed ids or body; WRONG_CHANNEL_TYPE: a category has no messages', '404': 'NOT_FOUND: no such channel, or one I cannot view' } }),
  ackGuild: defineRoute({ tag: 'read-states', method: 'post', path: '/guilds/:guildId/ack', summary: 'Mark every channel of the guild I can view as read ("mark server as read")', auth: true, params: GuildIdParams, response: list(ReadState), errors: { '404': 'NOT_FOUND: no such guild, or I am not a member' } }),

  // Messages
  listMessages: defineRoute({ tag: 'messages', method: 'get', path: '/channels/:channelId/messages', summary: 'History, newest first (before/after/around)', auth: true, params: ChannelIdParams, query: HistoryQuery, response: list(Message) }),
  sendMessage: defineRoute({ tag: 'messages', method: 'post', path: '/channels/:channelId/messages', summary: 'Send (SEND_MESSAGES); same nonce ⇒ same message', auth: true, params: ChannelIdParams, body: SendMessageBody, response: Message, status: 201 }),
  getMessage: defineRoute({ tag: 'messages', method: 'get', path: '/channels/:channelId/messages/:messageId', summary: 'One message', auth: true, params: MessageParams, response: Message }),
  editMessage: defineRoute({ tag: 'messages', method: 'patch', path: '/channels/:channelId/messages/:messageId', summary: 'Edit (author)', auth: true, params: MessageParams, body: EditMessageBody, response: Message }),
  deleteMessage: defineRoute({ tag: 'messages', method: 'delete', path: '/channels/:channelId/messages/:messageId', summary: 'Delete (author or MANAGE_MESSAGES)', auth: true, params: MessageParams, status: 204 }),
  // Reactions (the emoji is URL-encoded in the path, as Discord's)
  addReaction: defineRoute({ tag: 'messages', method: 'put', path: '/channels/:channelId/messages/:messageId/reactions/:emoji/@me', summary: 'React (VIEW_CHANNEL + ADD_REACTIONS; rate limited; 400 REACTION_LIMIT past 20 distinct emoji); reacting twice is one reaction', auth: true, params: ReactionParams, status: 204 }),
  removeMyReaction: defineRoute({ tag: 'messages', method: 'delete', path: '/channels/:channelId/messages/:messageId/reactions/:emoji/@me', summary: 'Take back my reaction (rate limited)', auth: true, params: ReactionParams, status: 204 }),
  removeUserReaction: defineRoute({ tag: 'messages', method: 'delete', path: '/channels/:channelId/messages/:messageId/reactions/:emoji/:userId', summary: "Remove someone's reaction (MANAGE_MESSAGES)", auth: true, params: UserReactionParams, status: 204 }),
  listReactionUsers: defineRoute({ tag: 'messages', method: 'get', path: '/channels/:channelId/messages/:messageId/reactions/:emoji', summary: 'Who reacted with this emoji, by user id (after/limit)', auth: true, params: ReactionParams, query: ReactionUsersQuery, response: list(PublicUser) }),
  listMessageEdits: defineRoute({ tag: 'messages', method: 'get', path: '/channels/:channelId/messages/:messageId/edits', summary: "A message's earlier versions, newest first (MANAGE_MESSAGES)", auth: true, params: MessageParams, response: MessageEdits }),
  // Pins
  pinMessage: defineRoute({ tag: 'messages', method: 'put', path: '/channels/:channelId/pins/:messageId', summary: 'Pin a message (MANAGE_MESSAGES; 400 VALIDATION_FAILED past 50 pins); pinning twice is one pin', auth: true, params: PinParams, status: 204 }),
  unpinMessage: defineRoute({ tag: 'messages', method: 'delete', path: '/channels/:channelId/pins/:messageId', summary: 'Unpin a message (MANAGE_MESSAGES)', auth: true, params: PinParams, status: 204 }),
  listPins: defineRoute({ tag: 'messages', method: 'get', path: '/channels/:channelId/pins', summary: "The channel's pinned messages, newest pin first", auth: true, params: ChannelIdParams, response: list(Message) }),
  typing: defineRoute({ tag: 'messages', method: 'post', path: '/channels/:channelId/typing', summary: 'Show that I am typing (~8 s)', auth: true, params: ChannelIdParams, status: 204 }),

  // Audit
  auditLog: defineRoute({ tag: 'audit', method: 'get', path: '/guilds/:guildId/audit-log', summary: 'Audit log, newest first (MANAGE_GUILD); entries naming a channel the caller cannot view are left out, so a page can be short', auth: true, params: GuildIdParams, query: AuditQuery, response: page(AuditEntry) }),
} as const;

export type Routes = typeof routes;
