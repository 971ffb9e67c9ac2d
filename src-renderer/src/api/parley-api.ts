import { buildPath, type RouteBody, type RouteRef, type RouteResponse } from '@shared/api/contract';
import {
  attachmentRoutes,
  callRoutes,
  embedRoutes,
  privateChannelRoutes,
  recordingRoutes,
  routes,
  voiceRoutes,
  webhookRoutes,
} from '@shared/api/route-table';
import type { UpdateEmbedSettingsBody } from '@shared/api/embed';
import type { AuditAction } from '@shared/api/audit';
import type { SearchQuery } from '@shared/api/search';
import type { HttpClient } from './http-client';

/** What a search sends (the server's default page size when `limit` is left out). */
export type SearchParams = Omit<SearchQuery, 'limit'> & { limit?: number };

type Query = Record<string, string | number | undefined>;

/** `path?k=v&…` without the undefined entries (GET builds its own query in the HTTP client). */
function withQuery(path: string, query?: Query): string {
  const qs = Object.entries(query ?? {})
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  return qs ? `${path}?${qs}` : path;
}

/**
 * Typed calls built from the shared route contracts: path, method, body and response types all come from
 * src-shared/api/routes.ts, so a server-side contract change shows up here as a type error. The routes are taken from
 * route-table.ts (method and path only), which keeps zod and the schemas out of the client's bundle.
 */
export function createParleyApi(http: HttpClient) {
  function call<C extends RouteRef>(
    route: C,
    opts: { params?: Record<string, string>; body?: RouteBody<C>; query?: Query } = {},
  ): Promise<RouteResponse<C>> {
    const path = buildPath(route.path, opts.params);
    switch (route.method) {
      case 'get':
        return http.get(path, opts.query);
      case 'post':
        return http.post(path, opts.body);
      case 'patch':
        return http.patch(path, opts.body);
      case 'put':
        return http.put(path, opts.body);
      case 'delete':
        return http.delete(withQuery(path, opts.query), opts.body);
    }
  }

  return {
    auth: {
      register: (body: RouteBody<typeof routes.register>) => call(routes.register, { body }),
      login: (body: RouteBody<typeof routes.login>) => call(routes.login, { body }),
      refresh: (refreshToken: string) => call(routes.refresh, { body: { refreshToken } }),
      logout: (refreshToken: string) => call(routes.logout, { body: { refreshToken } }),
      me: () => call(routes.getMe),
    },
    account: {
      update: (body: RouteBody<typeof routes.patchMe>) => call(routes.patchMe, { body }),
      /** The image (PNG/JPEG/WebP/GIF blob) becomes my avatar; the server stores it as a 256×256 WebP. */
      setAvatar: (image: Blob): Promise<RouteResponse<typeof routes.setMyAvatar>> => http.putFile(routes.setMyAvatar.path, image),
      removeAvatar: () => call(routes.removeMyAvatar),
      remove: (password: string) => call(routes.deleteMe, { body: { password } }),
      exportData: () => call(routes.exportMe),
      sessions: async () => (await call(routes.listSessions)).items,
      revokeSession: (sessionId: string) => call(routes.revokeSession, { params: { sessionId } }),
      revokeOtherSessions: () => call(routes.revokeOtherSessions),
    },
    /** My bot accounts (a token is shown once, on creation and reset) and adding them to guilds. */
    bots: {
      list: async () => (await call(routes.listBots)).items,
      create: (name: string) => call(routes.createBot, { body: { name } }),
      rename: (botId: string, name: string) => call(routes.updateBot, { params: { botId }, body: { name } }),
      remove: (botId: string) => call(routes.deleteBot, { params: { botId } }),
      resetToken: (botId: string) => call(routes.resetBotToken, { params: { botId } }),
      addToGuild: (guildId: string, botId: string) => call(routes.addGuildBot, { params: { guildId, botId } }),
      removeFromGuild: (guildId: string, botId: string) => call(routes.removeGuildBot, { params: { guildId, botId } }),
    },
    /** My personal API tokens for scripts (the secret is shown once, on creation). */
    apiTokens: {
      list: async () => (await call(routes.listApiTokens)).items,
      create: (body: RouteBody<typeof routes.createApiToken>) => call(routes.createApiToken, { body }),
      revoke: (tokenId: string) => call(routes.revokeApiToken, { params: { tokenId } }),
      /** My account's audit log (tokens and bots created, revoked, deleted), newest first; `before`: the last page's cursor. */
      activity: (q: { before?: string; limit?: number }) => call(routes.myAuditLog, { query: q }),
    },
    members: {
      /** One member, fresh from the server (the profile card; the list is kept current by the gateway). */
      get: (guildId: string, userId: string) => call(routes.getMember, { params: { guildId, userId } }),
      /** Deletes the user's messages in the guild: all, or those of the last `sinceSeconds`. */
      purgeMessages: (guildId: string, userId: string, sinceSeconds?: number) =>
        call(routes.purgeMemberMessages, { params: { guildId, userId }, query: { sinceSeconds } }),
      update: (guildId: string, userId: string, body: RouteBody<typeof routes.updateMember>) =>
        call(routes.updateMember, { params: { guildId, userId }, body }),
      addRole: (guildId: string, userId: string, roleId: string) => call(routes.addMemberRole, { params: { guildId, userId, roleId } }),
      removeRole: (guildId: string, userId: string, roleId: string) =>
        call(routes.removeMemberRole, { params: { guildId, userId, roleId } }),
      kick: (guildId: string, userId: string) => call(routes.kickMember, { params: { guildId, userId } }),
      ban: (guildId: string, userId: string, body: RouteBody<typeof routes.banMember>) =>
        call(routes.banMember, { params: { guildId, userId }, body }),
      moderateVoice: (guildId: string, userId: string, body: RouteBody<typeof voiceRoutes.moderateVoice>) =>
        call(voiceRoutes.moderateVoice, { params: { guildId, userId }, body }),
      disconnectVoice: (guildId: string, userId: string) => call(voiceRoutes.disconnectVoice, { params: { guildId, userId } }),
    },
    guilds: {
      list: async () => (await call(routes.listMyGuilds)).items,
      create: (name: string) => call(routes.createGuild, { body: { name } }),
      channels: async (guildId: string) => (await call(routes.listChannels, { params: { guildId } })).items,
      createChannel: (guildId: string, body: RouteBody<typeof routes.createChannel>) =>
        call(routes.createChannel, { params: { guildId }, body }),
      members: async (guildId: string) => (await call(routes.listMembers, { params: { guildId }, query: { limit: 100 } })).items,
      roles: async (guildId: string) => (await call(routes.listRoles, { params: { guildId } })).items,
      createInvite: (guildId: string) => call(routes.createInvite, { params: { guildId }, body: { maxAgeSeconds: 86_400, maxUses: 0 } }),
      previewInvite: (code: string) => call(routes.previewInvite, { params: { code } }),
      joinInvite: (code: string) => call(routes.acceptInvite, { params: { code } }),
      leave: (guildId: string) => call(routes.leaveGuild, { params: { guildId } }),
    },
    /** Administration of one guild (server settings, channel settings): each call is refused by the server without the permission. */
    admin: {
      updateGuild: (guildId: string, body: RouteBody<typeof routes.updateGuild>) => call(routes.updateGuild, { params: { guildId }, body }),
      setGuildIcon: (guildId: string, image: Blob): Promise<RouteResponse<typeof routes.setGuildIcon>> =>
        http.putFile(buildPath(routes.setGuildIcon.path, { guildId }), image),
      removeGuildIcon: (guildId: string) => call(routes.removeGuildIcon, { params: { guildId } }),
      deleteGuild: (guildId: string) => call(routes.deleteGuild, { params: { guildId } }),
      membersPage: (guildId: string, after?: string) => call(routes.listMembers, { params: { guildId }, query: { limit: 100, after } }),
      bans: async (guildId: string) => (await call(routes.listBans, { params: { guildId } })).items,
      unban: (guildId: string, userId: string) => call(routes.unbanMember, { params: { guildId, userId } }),
      invites: async (guildId: string) => (await call(routes.listInvites, { params: { guildId } })).items,
      createInvite: (guildId: string, body: RouteBody<typeof routes.createInvite>) =>
        call(routes.createInvite, { params: { guildId }, body }),
      revokeInvite: (code: string) => call(routes.deleteInvite, { params: { code } }),
      createRole: (guildId: string, body: RouteBody<typeof routes.createRole>) => call(routes.createRole, { params: { guildId }, body }),
      updateRole: (guildId: string, roleId: string, body: RouteBody<typeof routes.updateRole>) =>
        call(routes.updateRole, { params: { guildId, roleId }, body }),
      deleteRole: (guildId: string, roleId: string) => call(routes.deleteRole, { params: { guildId, roleId } }),
      reorderRoles: async (guildId: string, roleIds: string[]) =>
        (await call(routes.reorderRoles, { params: { guildId }, body: { roleIds } })).items,
      updateChannel: (channelId: string, body: RouteBody<typeof routes.updateChannel>) =>
        call(routes.updateChannel, { params: { channelId }, body }),
      deleteChannel: (channelId: string) => call(routes.deleteChannel, { params: { channelId } }),
      reorderChannels: async (guildId: string, body: RouteBody<typeof routes.reorderChannels>) =>
        (await call(routes.reorderChannels, { params: { guildId }, body })).items,
      auditLog: (guildId: string, q: { before?: string; limit?: number; action?: AuditAction }) =>
        call(routes.auditLog, { params: { guildId }, query: q }),
    },
    /**
     * Where an <img> finds an avatar or icon (absolute: the desktop renderer is another origin than the server). The
     * URL holds the content hash, so it changes with the image and the browser may cache it for good.
     */
    images: {
      avatarUrl: (userId: string, hash: string) => `${http.baseUrl}/api/v1${buildPath(routes.getUserAvatar.path, { userId, hash })}`,
      iconUrl: (guildId: string, hash: string) => `${http.baseUrl}/api/v1${buildPath(routes.getGuildIcon.path, { guildId, hash })}`,
    },
    messages: {
      /** Newest first, as the server returns it. */
      list: async (channelId: string, q: { before?: string; after?: string; limit?: number }) =>
        (await call(routes.listMessages, { params: { channelId }, query: q })).items,
      send: (channelId: string, body: RouteBody<typeof routes.sendMessage>) => call(routes.sendMessage, { params: { channelId }, body }),
      edit: (channelId: string, messageId: string, content: string) =>
        call(routes.editMessage, { params: { channelId, messageId }, body: { content } }),
      remove: (channelId: string, messageId: string) => call(routes.deleteMessage, { params: { channelId, messageId } }),
      typing: (channelId: string) => call(routes.typing, { params: { channelId } }),
      react: (channelId: string, messageId: string, emoji: string) => call(routes.addReaction, { params: { channelId, messageId, emoji } }),
      unreact: (channelId: string, messageId: string, emoji: string) =>
        call(routes.removeMyReaction, { params: { channelId, messageId, emoji } }),
      /** A moderator removes someone else's reaction (MANAGE_MESSAGES). */
      removeReaction: (channelId: string, messageId: string, emoji: string, userId: string) =>
        call(routes.removeUserReaction, { params: { channelId, messageId, emoji, userId } }),
      /** Earlier versions of a message, newest first (moderators). */
      edits: async (channelId: string, messageId: string) =>
        (await call(routes.listMessageEdits, { params: { channelId, messageId } })).items,
      pin: (channelId: string, messageId: string) => call(routes.pinMessage, { params: { channelId, messageId } }),
      unpin: (channelId: string, messageId: string) => call(routes.unpinMessage, { params: { channelId, messageId } }),
      /** Remove a message's link previews for good (author or MANAGE_MESSAGES). */
      suppressEmbeds: (channelId: string, messageId: string) => call(routes.suppressEmbeds, { params: { channelId, messageId } }),
      pins: async (channelId: string) => (await call(routes.listPins, { params: { channelId } })).items,
      /** Search the guild's messages I can view, newest first; `cursor` is the previous page's `nextCursor`. */
      search: (guildId: string, q: SearchParams) => call(routes.searchMessages, { params: { guildId }, query: q }),
      reactionUsers: async (channelId: string, messageId: string, emoji: string, q: { after?: string; limit?: number } = {}) =>
        (await call(routes.listReactionUsers, { params: { channelId, messageId, emoji }, query: q })).items,
    },
    attachments: {
      /** Uploads one file to the channel: a pending attachment whose id goes into the message's attachmentIds. */
      upload: (
        channelId: string,
        file: Blob,
        filename: string,
        opts?: { onProgress?: (fraction: number) => void; signal?: AbortSignal },
      ): Promise<RouteResponse<typeof attachmentRoutes.uploadAttachment>> =>
        http.upload(withQuery(buildPath(attachmentRoutes.uploadAttachment.path, { channelId }), { filename }), file, opts),
      /** A ticket that opens this channel's attachments for about half an hour (see fileUrl). */
      ticket: (channelId: string) => call(attachmentRoutes.createAttachmentTicket, { params: { channelId } }),
      /** Where an <img>, <audio> or download link finds an attachment, with a channel ticket (no Bearer header there). */
      fileUrl: (attachmentId: string, ticket: string, opts: { thumb?: boolean; download?: boolean } = {}) =>
        `${http.baseUrl}/api/v1${withQuery(buildPath(attachmentRoutes.getAttachmentFile.path, { attachmentId }), {
          ticket,
          thumb: opts.thumb ? '1' : undefined,
          download: opts.download ? '1' : undefined,
        })}`,
      settings: (guildId: string) => call(attachmentRoutes.getAttachmentSettings, { params: { guildId } }),
      updateSettings: (guildId: string, maxBytes: number) =>
        call(attachmentRoutes.updateAttachmentSettings, { params: { guildId }, body: { maxBytes } }),
    },
    embed: {
      settings: (guildId: string) => call(embedRoutes.getEmbedSettings, { params: { guildId } }),
      updateSettings: (guildId: string, body: UpdateEmbedSettingsBody) =>
        call(embedRoutes.updateEmbedSettings, { params: { guildId }, body }),
      disconnectGuest: (guildId: string, identity: string) => call(embedRoutes.disconnectVoiceGuest, { params: { guildId, identity } }),
      muteGuest: (guildId: string, identity: string, serverMute: boolean) =>
        call(embedRoutes.moderateVoiceGuest, { params: { guildId, identity }, body: { serverMute } }),
    },
    readStates: {
      /** Read up to `messageId` (the server only moves forward); `manual`: unread from `messageId` on ("mark unread"). */
      ack: (channelId: string, messageId: string, manual = false) =>
        call(routes.ackMessage, { params: { channelId, messageId }, body: manual ? { manual: true } : {} }),
      /** "Mark server as read". */
      ackGuild: async (guildId: string) => (await call(routes.ackGuild, { params: { guildId } })).items,
    },
    notificationSettings: {
      /** Replaces my settings of a server; answers (and sends my other sessions) the server's whole settings. */
      updateGuild: (guildId: string, body: RouteBody<typeof routes.updateGuildNotificationSettings>) =>
        call(routes.updateGuildNotificationSettings, { params: { guildId }, body }),
      /** Replaces my override of a channel (`inherit` and unmuted removes it). */
      updateChannel: (channelId: string, body: RouteBody<typeof routes.updateChannelNotificationSettings>) =>
        call(routes.updateChannelNotificationSettings, { params: { channelId }, body }),
    },
    recordings: {
      start: (channelId: string) => call(recordingRoutes.startRecording, { params: { channelId } }),
      stop: (channelId: string, recordingId: string) => call(recordingRoutes.stopRecording, { params: { channelId, recordingId } }),
      listChannel: async (channelId: string) => (await call(recordingRoutes.listChannelRecordings, { params: { channelId } })).items,
      listGuild: (guildId: string, before?: string) =>
        call(recordingRoutes.listGuildRecordings, { params: { guildId }, query: { before, limit: 50 } }),
      remove: (recordingId: string) => call(recordingRoutes.deleteRecording, { params: { recordingId } }),
      settings: (guildId: string) => call(recordingRoutes.getRecordingSettings, { params: { guildId } }),
      updateSettings: (guildId: string, body: RouteBody<typeof recordingRoutes.updateRecordingSettings>) =>
        call(recordingRoutes.updateRecordingSettings, { params: { guildId }, body }),
      /**
       * A URL for `<audio src>` or a download link. Neither can send our Authorization header, so the URL carries a
       * fresh ticket for this one recording that works for five minutes (the player asks again when it runs out).
       */
      fileUrl: async (recordingId: string, download = false) => {
        const { ticket } = await call(recordingRoutes.createRecordingFileTicket, { params: { recordingId } });
        const path = buildPath(recordingRoutes.streamRecordingFile.path, { recordingId });
        return `${http.baseUrl}/api/v1${withQuery(path, { ticket, download: download ? '1' : undefined })}`;
      },
    },
    /** Friends, friend requests and blocks (issue 16); every change also arrives as RELATIONSHIP_ADD/REMOVE. */
    relationships: {
      list: async () => (await call(routes.listRelationships)).items,
      /** By username ("Add Friend") or by id (a profile's button); to someone who asked me first it accepts theirs. */
      request: (body: RouteBody<typeof routes.sendFriendRequest>) => call(routes.sendFriendRequest, { body }),
      accept: (userId: string) => call(routes.acceptFriendRequest, { params: { userId } }),
      /** Remove a friend, decline their request or cancel mine. */
      remove: (userId: string) => call(routes.removeRelationship, { params: { userId } }),
      block: (userId: string) => call(routes.blockUser, { params: { userId } }),
      unblock: (userId: string) => call(routes.unblockUser, { params: { userId } }),
      privacy: () => call(routes.getPrivacySettings),
      updatePrivacy: (body: RouteBody<typeof routes.updatePrivacySettings>) => call(routes.updatePrivacySettings, { body }),
    },
    /** DMs and group DMs (issue 16); their messages use `messages` like a guild channel's. */
    privateChannels: {
      list: async () => (await call(privateChannelRoutes.listPrivateChannels)).items,
      /** One recipient: the 1:1 DM (the same channel every time); several: a new group DM. */
      open: (body: RouteBody<typeof privateChannelRoutes.openPrivateChannel>) => call(privateChannelRoutes.openPrivateChannel, { body }),
      rename: (channelId: string, name: string | null) =>
        call(privateChannelRoutes.updatePrivateChannel, { params: { channelId }, body: { name } }),
      addRecipient: (channelId: string, userId: string) =>
        call(privateChannelRoutes.addPrivateChannelRecipient, { params: { channelId, userId } }),
      removeRecipient: (channelId: string, userId: string) =>
        call(privateChannelRoutes.removePrivateChannelRecipient, { params: { channelId, userId } }),
      /** Leave a group DM, or close a 1:1 DM (it comes back with the next message). */
      close: (channelId: string) => call(privateChannelRoutes.closePrivateChannel, { params: { channelId } }),
    },
    voice: {
      join: (channelId: string, body: RouteBody<typeof voiceRoutes.joinVoice> = {}) =>
        call(voiceRoutes.joinVoice, { params: { channelId }, body }),
      leave: () => call(voiceRoutes.leaveVoice),
      reportSelfState: (body: RouteBody<typeof voiceRoutes.updateMyVoiceState>) => call(voiceRoutes.updateMyVoiceState, { body }),
    },
    /** DM calls (features/calls). `sessionId` is READY's: the server stops the ringing on my other sessions. */
    calls: {
      start: (channelId: string, sessionId?: string) => call(callRoutes.startCall, { params: { channelId }, body: { sessionId } }),
      inChannel: (channelId: string) => call(callRoutes.getChannelCall, { params: { channelId } }),
      accept: (callId: string, sessionId?: string) => call(callRoutes.acceptCall, { params: { callId }, body: { sessionId } }),
      decline: (callId: string) => call(callRoutes.declineCall, { params: { callId } }),
      connect: (callId: string, sessionId?: string) => call(callRoutes.connectCall, { params: { callId }, body: { sessionId } }),
      leave: (callId: string) => call(callRoutes.leaveCall, { params: { callId } }),
      history: (before?: string, limit = 50) => call(callRoutes.listCallHistory, { query: { before, limit } }),
      ackMissed: () => call(callRoutes.ackMissedCalls),
    },
    /** Outbound webhooks of a guild (server settings → Webhooks; MANAGE_WEBHOOKS). */
    webhooks: {
      list: (guildId: string) => call(webhookRoutes.listWebhooks, { params: { guildId } }),
      create: (guildId: string, body: RouteBody<typeof webhookRoutes.createWebhook>) =>
        call(webhookRoutes.createWebhook, { params: { guildId }, body }),
      update: (guildId: string, webhookId: string, body: RouteBody<typeof webhookRoutes.updateWebhook>) =>
        call(webhookRoutes.updateWebhook, { params: { guildId, webhookId }, body }),
      remove: (guildId: string, webhookId: string) => call(webhookRoutes.deleteWebhook, { params: { guildId, webhookId } }),
      rotateSecret: (guildId: string, webhookId: string) => call(webhookRoutes.rotateWebhookSecret, { params: { guildId, webhookId } }),
      deliveries: (guildId: string, webhookId: string, before?: string, limit = 50) =>
        call(webhookRoutes.listWebhookDeliveries, { params: { guildId, webhookId }, query: { before, limit } }),
      redeliver: (guildId: string, webhookId: string, eventId: string) =>
        call(webhookRoutes.redeliverWebhookEvent, { params: { guildId, webhookId, eventId } }),
    },
  };
}

export type ParleyApi = ReturnType<typeof createParleyApi>;
