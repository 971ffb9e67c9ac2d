/**
 * What the client needs of each REST route at run time: method and path, and nothing else. The contracts in routes.ts,
 * voice.ts and recordings.ts carry zod schemas; building them costs the web client a third of its start-up script time
 * and most of its main bundle (measured in bench/client.ts), and the client never validates with them. This table
 * has the same keys, methods and paths (the annotations below fail the typecheck on any drift) and is typed with
 * each whole contract, so RouteBody/RouteResponse still give a call its body and response types.
 *
 * The renderer imports routes from here, never from the contract files (lint enforces it).
 */
import type { attachmentRoutes as attachmentContracts } from './attachments';
import type { callRoutes as callContracts } from './calls';
import type { embedRoutes as embedContracts } from './embed';
import type { RouteContract, RouteRef } from './contract';
import type { privateChannelRoutes as privateChannelContracts } from './private-channels';
import type { recordingRoutes as recordingContracts } from './recordings';
import type { routes as coreContracts } from './routes';
import type { voiceRoutes as voiceContracts } from './voice';
import type { webhookRoutes as webhookContracts } from './webhooks';

type Routes = typeof coreContracts;
type VoiceRoutes = typeof voiceContracts;
type RecordingRoutes = typeof recordingContracts;
type AttachmentRoutes = typeof attachmentContracts;
type PrivateChannelRoutes = typeof privateChannelContracts;
type CallRoutes = typeof callContracts;
type EmbedRoutes = typeof embedContracts;
type WebhookRoutes = typeof webhookContracts;

/** Every key of the contracts, each with the same method and path, typed as a reference to its whole contract. */
type Refs<T extends Record<string, RouteContract>> = { readonly [K in keyof T]: RouteRef<T[K]> };

/** The Socket.IO path of the gateway (also exported by gateway.ts), here so the client need not load the event schemas. */
export const GATEWAY_PATH = '/gateway';

export const routes: Refs<Routes> = {
  register: { method: 'post', path: '/auth/register' },
  login: { method: 'post', path: '/auth/login' },
  refresh: { method: 'post', path: '/auth/refresh' },
  logout: { method: 'post', path: '/auth/logout' },
  getMe: { method: 'get', path: '/users/@me' },
  patchMe: { method: 'patch', path: '/users/@me' },
  listSessions: { method: 'get', path: '/users/@me/sessions' },
  revokeSession: { method: 'delete', path: '/users/@me/sessions/:sessionId' },
  revokeOtherSessions: { method: 'delete', path: '/users/@me/sessions' },
  deleteMe: { method: 'delete', path: '/users/@me' },
  exportMe: { method: 'get', path: '/users/@me/export' },
  setMyAvatar: { method: 'put', path: '/users/@me/avatar' },
  removeMyAvatar: { method: 'delete', path: '/users/@me/avatar' },
  getUserAvatar: { method: 'get', path: '/users/:userId/avatars/:hash' },
  leaveGuild: { method: 'delete', path: '/users/@me/guilds/:guildId' },
  createGuild: { method: 'post', path: '/guilds' },
  listMyGuilds: { method: 'get', path: '/guilds' },
  getGuild: { method: 'get', path: '/guilds/:guildId' },
  updateGuild: { method: 'patch', path: '/guilds/:guildId' },
  setGuildIcon: { method: 'put', path: '/guilds/:guildId/icon' },
  removeGuildIcon: { method: 'delete', path: '/guilds/:guildId/icon' },
  getGuildIcon: { method: 'get', path: '/guilds/:guildId/icons/:hash' },
  deleteGuild: { method: 'delete', path: '/guilds/:guildId' },
  listMembers: { method: 'get', path: '/guilds/:guildId/members' },
  getMember: { method: 'get', path: '/guilds/:guildId/members/:userId' },
  updateMember: { method: 'patch', path: '/guilds/:guildId/members/:userId' },
  kickMember: { method: 'delete', path: '/guilds/:guildId/members/:userId' },
  purgeMemberMessages: { method: 'delete', path: '/guilds/:guildId/members/:userId/messages' },
  listBans: { method: 'get', path: '/guilds/:guildId/bans' },
  banMember: { method: 'put', path: '/guilds/:guildId/bans/:userId' },
  unbanMember: { method: 'delete', path: '/guilds/:guildId/bans/:userId' },
  createInvite: { method: 'post', path: '/guilds/:guildId/invites' },
  listInvites: { method: 'get', path: '/guilds/:guildId/invites' },
  previewInvite: { method: 'get', path: '/invites/:code' },
  acceptInvite: { method: 'post', path: '/invites/:code' },
  deleteInvite: { method: 'delete', path: '/invites/:code' },
  listRoles: { method: 'get', path: '/guilds/:guildId/roles' },
  createRole: { method: 'post', path: '/guilds/:guildId/roles' },
  reorderRoles: { method: 'patch', path: '/guilds/:guildId/roles' },
  updateRole: { method: 'patch', path: '/guilds/:guildId/roles/:roleId' },
  deleteRole: { method: 'delete', path: '/guilds/:guildId/roles/:roleId' },
  addMemberRole: { method: 'put', path: '/guilds/:guildId/members/:userId/roles/:roleId' },
  removeMemberRole: { method: 'delete', path: '/guilds/:guildId/members/:userId/roles/:roleId' },
  listChannels: { method: 'get', path: '/guilds/:guildId/channels' },
  createChannel: { method: 'post', path: '/guilds/:guildId/channels' },
  reorderChannels: { method: 'patch', path: '/guilds/:guildId/channels' },
  getChannel: { method: 'get', path: '/channels/:channelId' },
  updateChannel: { method: 'patch', path: '/channels/:channelId' },
  deleteChannel: { method: 'delete', path: '/channels/:channelId' },
  ackMessage: { method: 'post', path: '/channels/:channelId/messages/:messageId/ack' },
  ackGuild: { method: 'post', path: '/guilds/:guildId/ack' },
  updateGuildNotificationSettings: { method: 'put', path: '/users/@me/guilds/:guildId/notification-settings' },
  updateChannelNotificationSettings: { method: 'put', path: '/users/@me/channels/:channelId/notification-settings' },
  listMessages: { method: 'get', path: '/channels/:channelId/messages' },
  sendMessage: { method: 'post', path: '/channels/:channelId/messages' },
  getMessage: { method: 'get', path: '/channels/:channelId/messages/:messageId' },
  editMessage: { method: 'patch', path: '/channels/:channelId/messages/:messageId' },
  deleteMessage: { method: 'delete', path: '/channels/:channelId/messages/:messageId' },
  addReaction: { method: 'put', path: '/channels/:channelId/messages/:messageId/reactions/:emoji/@me' },
  removeMyReaction: { method: 'delete', path: '/channels/:channelId/messages/:messageId/reactions/:emoji/@me' },
  removeUserReaction: { method: 'delete', path: '/channels/:channelId/messages/:messageId/reactions/:emoji/:userId' },
  listReactionUsers: { method: 'get', path: '/channels/:channelId/messages/:messageId/reactions/:emoji' },
  listMessageEdits: { method: 'get', path: '/channels/:channelId/messages/:messageId/edits' },
  pinMessage: { method: 'put', path: '/channels/:channelId/pins/:messageId' },
  unpinMessage: { method: 'delete', path: '/channels/:channelId/pins/:messageId' },
  suppressEmbeds: { method: 'put', path: '/channels/:channelId/messages/:messageId/suppress-embeds' },
  listPins: { method: 'get', path: '/channels/:channelId/pins' },
  searchMessages: { method: 'get', path: '/guilds/:guildId/messages/search' },
  typing: { method: 'post', path: '/channels/:channelId/typing' },
  listRelationships: { method: 'get', path: '/users/@me/relationships' },
  sendFriendRequest: { method: 'post', path: '/users/@me/relationships' },
  acceptFriendRequest: { method: 'post', path: '/users/@me/relationships/:userId/accept' },
  removeRelationship: { method: 'delete', path: '/users/@me/relationships/:userId' },
  blockUser: { method: 'put', path: '/users/@me/blocks/:userId' },
  unblockUser: { method: 'delete', path: '/users/@me/blocks/:userId' },
  getPrivacySettings: { method: 'get', path: '/users/@me/privacy-settings' },
  updatePrivacySettings: { method: 'put', path: '/users/@me/privacy-settings' },
  listBots: { method: 'get', path: '/users/@me/bots' },
  createBot: { method: 'post', path: '/users/@me/bots' },
  updateBot: { method: 'patch', path: '/users/@me/bots/:botId' },
  deleteBot: { method: 'delete', path: '/users/@me/bots/:botId' },
  resetBotToken: { method: 'post', path: '/users/@me/bots/:botId/token' },
  addGuildBot: { method: 'put', path: '/guilds/:guildId/bots/:botId' },
  removeGuildBot: { method: 'delete', path: '/guilds/:guildId/bots/:botId' },
  listApiTokens: { method: 'get', path: '/users/@me/api-tokens' },
  createApiToken: { method: 'post', path: '/users/@me/api-tokens' },
  revokeApiToken: { method: 'delete', path: '/users/@me/api-tokens/:tokenId' },
  auditLog: { method: 'get', path: '/guilds/:guildId/audit-log' },
  myAuditLog: { method: 'get', path: '/users/@me/audit-log' },
};

export const voiceRoutes: Refs<VoiceRoutes> = {
  joinVoice: { method: 'post', path: '/channels/:channelId/voice/join' },
  leaveVoice: { method: 'post', path: '/voice/leave' },
  updateMyVoiceState: { method: 'patch', path: '/voice/state' },
  listGuildVoiceStates: { method: 'get', path: '/guilds/:guildId/voice-states' },
  moderateVoice: { method: 'patch', path: '/guilds/:guildId/voice-states/:userId' },
  disconnectVoice: { method: 'delete', path: '/guilds/:guildId/voice-states/:userId' },
};

export const recordingRoutes: Refs<RecordingRoutes> = {
  startRecording: { method: 'post', path: '/channels/:channelId/recordings' },
  stopRecording: { method: 'post', path: '/channels/:channelId/recordings/:recordingId/stop' },
  listChannelRecordings: { method: 'get', path: '/channels/:channelId/recordings' },
  listGuildRecordings: { method: 'get', path: '/guilds/:guildId/recordings' },
  getRecording: { method: 'get', path: '/recordings/:recordingId' },
  getRecordingFile: { method: 'get', path: '/recordings/:recordingId/file' },
  createRecordingFileTicket: { method: 'post', path: '/recordings/:recordingId/file-ticket' },
  streamRecordingFile: { method: 'get', path: '/recordings/:recordingId/stream' },
  deleteRecording: { method: 'delete', path: '/recordings/:recordingId' },
  getRecordingSettings: { method: 'get', path: '/guilds/:guildId/recording-settings' },
  updateRecordingSettings: { method: 'patch', path: '/guilds/:guildId/recording-settings' },
};

export const attachmentRoutes: Refs<AttachmentRoutes> = {
  uploadAttachment: { method: 'post', path: '/channels/:channelId/attachments' },
  createAttachmentTicket: { method: 'post', path: '/channels/:channelId/attachment-ticket' },
  getAttachmentFile: { method: 'get', path: '/attachments/:attachmentId/file' },
  getAttachmentSettings: { method: 'get', path: '/guilds/:guildId/attachment-settings' },
  updateAttachmentSettings: { method: 'patch', path: '/guilds/:guildId/attachment-settings' },
};

export const privateChannelRoutes: Refs<PrivateChannelRoutes> = {
  listPrivateChannels: { method: 'get', path: '/users/@me/channels' },
  openPrivateChannel: { method: 'post', path: '/users/@me/channels' },
  updatePrivateChannel: { method: 'patch', path: '/users/@me/channels/:channelId' },
  addPrivateChannelRecipient: { method: 'put', path: '/users/@me/channels/:channelId/recipients/:userId' },
  removePrivateChannelRecipient: { method: 'delete', path: '/users/@me/channels/:channelId/recipients/:userId' },
  closePrivateChannel: { method: 'delete', path: '/users/@me/channels/:channelId' },
};

export const callRoutes: Refs<CallRoutes> = {
  startCall: { method: 'post', path: '/channels/:channelId/call' },
  getChannelCall: { method: 'get', path: '/channels/:channelId/call' },
  acceptCall: { method: 'post', path: '/calls/:callId/accept' },
  declineCall: { method: 'post', path: '/calls/:callId/decline' },
  connectCall: { method: 'post', path: '/calls/:callId/connection' },
  leaveCall: { method: 'post', path: '/calls/:callId/leave' },
  listCallHistory: { method: 'get', path: '/users/@me/call-history' },
  ackMissedCalls: { method: 'post', path: '/users/@me/call-history/ack' },
};

export const embedRoutes: Refs<EmbedRoutes> = {
  getEmbedSettings: { method: 'get', path: '/guilds/:guildId/embed-settings' },
  updateEmbedSettings: { method: 'patch', path: '/guilds/:guildId/embed-settings' },
  createEmbedGuestToken: { method: 'post', path: '/embed/voice/:channelId/guest-token' },
  listGuildVoiceGuests: { method: 'get', path: '/guilds/:guildId/voice-guests' },
  moderateVoiceGuest: { method: 'patch', path: '/guilds/:guildId/voice-guests/:identity' },
  disconnectVoiceGuest: { method: 'delete', path: '/guilds/:guildId/voice-guests/:identity' },
};

export const webhookRoutes: Refs<WebhookRoutes> = {
  listWebhooks: { method: 'get', path: '/guilds/:guildId/webhooks' },
  createWebhook: { method: 'post', path: '/guilds/:guildId/webhooks' },
  updateWebhook: { method: 'patch', path: '/guilds/:guildId/webhooks/:webhookId' },
  deleteWebhook: { method: 'delete', path: '/guilds/:guildId/webhooks/:webhookId' },
  rotateWebhookSecret: { method: 'post', path: '/guilds/:guildId/webhooks/:webhookId/rotate-secret' },
  listWebhookDeliveries: { method: 'get', path: '/guilds/:guildId/webhooks/:webhookId/deliveries' },
  redeliverWebhookEvent: { method: 'post', path: '/guilds/:guildId/webhooks/:webhookId/events/:eventId/redeliver' },
};
