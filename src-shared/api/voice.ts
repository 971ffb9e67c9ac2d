import { z } from 'zod';
import { ChannelIdParams, GuildIdParams, Id, IsoDate } from './common';
import { defineRoute } from './contract';

/**
 * Voice contracts shared by the server and the clients.
 *
 * A voice channel is a LiveKit room named after the channel id. The server never trusts the client about who is in a
 * room: presence comes from LiveKit's signed webhooks (plus a reconciler that asks LiveKit directly). The client only
 * reports its own self mute / self deafen, which LiveKit cannot know about (a muted track is still "published"), and
 * whose streams it watches (a subscription LiveKit does not announce), for the streamers' viewer counts.
 */

/** LiveKit room name of a voice channel. One place so that the server, the tests and the clients agree. */
export const VOICE_ROOM_PREFIX = 'ch_';
export function voiceRoomName(channelId: string): string {
  return `${VOICE_ROOM_PREFIX}${channelId}`;
}
/** The channel id of a Parley voice room, or null for any other room name. */
export function channelIdFromRoom(room: string): string | null {
  if (!room.startsWith(VOICE_ROOM_PREFIX)) return null;
  const id = room.slice(VOICE_ROOM_PREFIX.length);
  return Id.safeParse(id).success ? id : null;
}

export const VoiceMemberParams = z.strictObject({ guildId: Id, userId: Id });

/** Optional body of `POST /channels/:channelId/voice/join`: the state to start in (e.g. joining already muted). */
export const VoiceJoinBody = z.strictObject({
  selfMute: z.boolean().optional(),
  selfDeaf: z.boolean().optional(),
});
export type VoiceJoinBody = z.infer<typeof VoiceJoinBody>;

/**
 * What the client needs to connect: LiveKit's public URL, a token only good for this room, and the room name.
 * The token expires within about a minute: connect right away (LiveKit keeps the session after that).
 */
export const VoiceJoinResponse = z.object({
  url: z.string(),
  token: z.string(),
  room: z.string(),
  channelId: Id,
  guildId: Id,
  /** When the token stops being accepted for a new connection. */
  expiresAt: IsoDate,
});
export type VoiceJoinResponse = z.infer<typeof VoiceJoinResponse>;

/** One user's presence in one voice channel. A user is in at most one voice channel at a time. */
export const VoiceState = z.object({
  userId: Id,
  guildId: Id,
  channelId: Id,
  selfMute: z.boolean(),
  selfDeaf: z.boolean(),
  /** Set by a member with MUTE_MEMBERS; LiveKit refuses the user's microphone while true. */
  serverMute: z.boolean(),
  /** Set by a member with DEAFEN_MEMBERS; LiveKit stops sending audio to the user (and refuses their microphone). */
  serverDeaf: z.boolean(),
  /** Publishing a camera, as LiveKit reports it (track webhooks and the reconciler), never as the client claims. */
  selfVideo: z.boolean(),
  /** Publishing a screen share ("live"), as LiveKit reports it. */
  selfStream: z.boolean(),
  /** Set by a member with MUTE_MEMBERS; LiveKit refuses the user's camera while true (and stops a live one). */
  serverVideoOff: z.boolean(),
  /** Set by a member with MUTE_MEMBERS; LiveKit refuses the user's screen share while true (and stops a live one). */
  serverStreamOff: z.boolean(),
  /**
   * Users whose screen share this user watches, as the client reports it for its current session (each session starts
   * with none): a streamer's viewers are the states in the streamer's channel that name them, while they stream.
   */
  watching: z.array(Id),
  joinedAt: IsoDate,
});
export type VoiceState = z.infer<typeof VoiceState>;

export const VoiceStateList = z.object({ items: z.array(VoiceState) });
export type VoiceStateList = z.infer<typeof VoiceStateList>;

/** How many streams one user may report watching at once (a voice channel's streamers, with room to spare). */
export const MAX_WATCHING = 25;

/**
 * `PATCH /voice/state`: the client reports its own mute / deafen and the streams it watches (the server cannot observe
 * them). `watching` replaces the list of the current session, and is ignored while the user is in no voice channel (the client
 * reports it again once its session shows).
 */
export const VoiceSelfStateBody = z
  .strictObject({
    selfMute: z.boolean().optional(),
    selfDeaf: z.boolean().optional(),
    watching: z
      .array(Id)
      .max(MAX_WATCHING)
      .refine((ids) => new Set(ids).size === ids.length, { message: 'watching lists a user twice' })
      .optional(),
  })
  .refine((b) => b.selfMute !== undefined || b.selfDeaf !== undefined || b.watching !== undefined, {
    message: 'set selfMute, selfDeaf or watching',
  });
export type VoiceSelfStateBody = z.infer<typeof VoiceSelfStateBody>;

/**
 * `PATCH /guilds/:guildId/voice-states/:userId`: moderation. serverMute, serverVideoOff and serverStreamOff need
 * MUTE_MEMBERS, serverDeaf needs DEAFEN_MEMBERS, channelId (move to that voice channel) needs MOVE_MEMBERS in both
 * channels.
 */
export const VoiceModerationBody = z
  .strictObject({
    serverMute: z.boolean().optional(),
    serverDeaf: z.boolean().optional(),
    serverVideoOff: z.boolean().optional(),
    serverStreamOff: z.boolean().optional(),
    channelId: Id.optional(),
  })
  .refine(
    (b) =>
      b.serverMute !== undefined ||
      b.serverDeaf !== undefined ||
      b.serverVideoOff !== undefined ||
      b.serverStreamOff !== undefined ||
      b.channelId !== undefined,
    { message: 'set serverMute, serverDeaf, serverVideoOff, serverStreamOff or channelId' },
  );
export type VoiceModerationBody = z.infer<typeof VoiceModerationBody>;

/** Response of `PATCH /voice/state`: my self flags, where I am connected (null: nowhere) and whose streams I watch there. */
export const VoiceSelfState = z.object({
  selfMute: z.boolean(),
  selfDeaf: z.boolean(),
  channelId: Id.nullable(),
  watching: z.array(Id),
});
export type VoiceSelfState = z.infer<typeof VoiceSelfState>;

/** Server mute / deafen / video / stream flags of a member, kept across channels and reconnects (like Discord). */
export const VoiceModerationState = z.object({
  guildId: Id,
  userId: Id,
  serverMute: z.boolean(),
  serverDeaf: z.boolean(),
  serverVideoOff: z.boolean(),
  serverStreamOff: z.boolean(),
});
export type VoiceModerationState = z.infer<typeof VoiceModerationState>;

/** Gateway event names of the voice feature. */
export const VOICE_STATE_UPDATE = 'VOICE_STATE_UPDATE';
export const VOICE_MOVE = 'VOICE_MOVE';
export const VOICE_DISCONNECT = 'VOICE_DISCONNECT';

/**
 * `VOICE_STATE_UPDATE`, sent to every member who can view the channel. `channelId: null` means the user left voice
 * (`previousChannelId` then says where from, so clients need no other state to remove them). A join never names
 * another channel in `previousChannelId` (some of its receivers may not be able to view that one): a switch is a
 * leave, sent to the old channel's viewers, then a join.
 */
export const VoiceStateUpdateEvent = z.object({
  guildId: Id,
  userId: Id,
  channelId: Id.nullable(),
  previousChannelId: Id.nullable(),
  selfMute: z.boolean(),
  selfDeaf: z.boolean(),
  serverMute: z.boolean(),
  serverDeaf: z.boolean(),
  selfVideo: z.boolean(),
  selfStream: z.boolean(),
  serverVideoOff: z.boolean(),
  serverStreamOff: z.boolean(),
  watching: z.array(Id),
  joinedAt: IsoDate.nullable(),
});
export type VoiceStateUpdateEvent = z.infer<typeof VoiceStateUpdateEvent>;

/**
 * `VOICE_MOVE`, sent only to the moved user: connect to `room` with `token` now. The server removes them from the
 * previous room right after sending this.
 */
export const VoiceMoveEvent = VoiceJoinResponse.extend({
  fromChannelId: Id,
  movedBy: Id,
});
export type VoiceMoveEvent = z.infer<typeof VoiceMoveEvent>;

/**
 * `VOICE_DISCONNECT`, sent only to the user, just before the server removes them from a room for a reason other than a
 * moderator: `CHANNEL_FULL` = they connected to a limited channel without a seat while every seat was taken (their
 * token's seat had expired and been given to someone else).
 */
export const VoiceDisconnectEvent = z.object({ channelId: Id, reason: z.enum(['CHANNEL_FULL']) });
export type VoiceDisconnectEvent = z.infer<typeof VoiceDisconnectEvent>;

/** Server → client gateway events of the voice feature, name → payload schema. */
export const VoiceServerEvents = {
  VOICE_STATE_UPDATE: VoiceStateUpdateEvent,
  VOICE_MOVE: VoiceMoveEvent,
  VOICE_DISCONNECT: VoiceDisconnectEvent,
} as const;

/** REST routes of voice (under /api/v1). */
export const voiceRoutes = {
  joinVoice: defineRoute({
    tag: 'voice',
    method: 'post',
    path: '/channels/:channelId/voice/join',
    summary: 'Get a LiveKit token for a voice channel (CONNECT; publish needs SPEAK). Leaves your previous voice channel.',
    auth: true,
    scope: 'voice:join',
    rateLimit: 'voice-join',
    params: ChannelIdParams,
    // Optional: an empty POST joins with your stored self mute/deafen.
    body: VoiceJoinBody.optional(),
    response: VoiceJoinResponse,
  }),
  leaveVoice: defineRoute({
    tag: 'voice',
    method: 'post',
    path: '/voice/leave',
    summary: 'Leave voice (the server removes you from the room)',
    auth: true,
    scope: 'voice:join',
    status: 204,
  }),
  updateMyVoiceState: defineRoute({
    tag: 'voice',
    method: 'patch',
    path: '/voice/state',
    summary: 'Report my self mute / deafen (kept across reconnects) and the streams I watch (kept while connected)',
    auth: true,
    body: VoiceSelfStateBody,
    response: VoiceSelfState,
  }),
  listGuildVoiceStates: defineRoute({
    tag: 'voice',
    method: 'get',
    path: '/guilds/:guildId/voice-states',
    summary: 'Who is in which voice channel (channels I can view)',
    auth: true,
    params: GuildIdParams,
    response: VoiceStateList,
  }),
  moderateVoice: defineRoute({
    tag: 'voice',
    method: 'patch',
    path: '/guilds/:guildId/voice-states/:userId',
    summary: 'Server mute (MUTE_MEMBERS), deafen (DEAFEN_MEMBERS) or move (MOVE_MEMBERS) a member',
    auth: true,
    params: VoiceMemberParams,
    body: VoiceModerationBody,
    response: VoiceModerationState,
    errors: { '409': 'CONFLICT: a move of a member who is not connected to voice in this guild' },
  }),
  disconnectVoice: defineRoute({
    tag: 'voice',
    method: 'delete',
    path: '/guilds/:guildId/voice-states/:userId',
    summary: 'Disconnect a member from voice (MOVE_MEMBERS)',
    auth: true,
    params: VoiceMemberParams,
    status: 204,
    errors: { '409': 'CONFLICT: the member is not connected to voice in this guild' },
  }),
} as const;

/** LiveKit posts its signed webhooks here (raw body, `Authorization: <JWT>`); not a client route. */
export const LIVEKIT_WEBHOOK_PATH = '/livekit/webhook';
