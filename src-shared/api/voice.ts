import { z } from 'zod';
import { Id, IsoDate } from './common';

/**
 * Voice contracts shared by the server and the clients.
 *
 * A voice channel is a LiveKit room named after the channel id. The server never trusts the client about who is in a
 * room: presence comes from LiveKit's signed webhooks (plus a reconciler that asks LiveKit directly). The client only
 * reports its own self mute / self deafen, which LiveKit cannot know about (a muted track is still "published").
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

export const VoiceChannelParams = z.strictObject({ channelId: Id });
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
  joinedAt: IsoDate,
});
export type VoiceState = z.infer<typeof VoiceState>;

export const VoiceStateList = z.object({ items: z.array(VoiceState) });
export type VoiceStateList = z.infer<typeof VoiceStateList>;

/** `PATCH /voice/state`: the client reports its own mute / deafen (the server cannot observe them). */
export const VoiceSelfStateBody = z
  .strictObject({
    selfMute: z.boolean().optional(),
    selfDeaf: z.boolean().optional(),
  })
  .refine((b) => b.selfMute !== undefined || b.selfDeaf !== undefined, { message: 'set selfMute or selfDeaf' });
export type VoiceSelfStateBody = z.infer<typeof VoiceSelfStateBody>;

/**
 * `PATCH /guilds/:guildId/voice-states/:userId`: moderation. serverMute needs MUTE_MEMBERS, serverDeaf needs
 * DEAFEN_MEMBERS, channelId (move to that voice channel) needs MOVE_MEMBERS in both channels.
 */
export const VoiceModerationBody = z
  .strictObject({
    serverMute: z.boolean().optional(),
    serverDeaf: z.boolean().optional(),
    channelId: Id.optional(),
  })
  .refine((b) => b.serverMute !== undefined || b.serverDeaf !== undefined || b.channelId !== undefined, {
    message: 'set serverMute, serverDeaf or channelId',
  });
export type VoiceModerationBody = z.infer<typeof VoiceModerationBody>;

/** Server mute / deafen flags of a member, kept across channels and reconnects (like Discord). */
export const VoiceModerationState = z.object({
  guildId: Id,
  userId: Id,
  serverMute: z.boolean(),
  serverDeaf: z.boolean(),
});
export type VoiceModerationState = z.infer<typeof VoiceModerationState>;

/** Gateway event names of the voice feature. */
export const VOICE_STATE_UPDATE = 'VOICE_STATE_UPDATE';
export const VOICE_MOVE = 'VOICE_MOVE';

/**
 * `VOICE_STATE_UPDATE`, sent to every member who can view the channel. `channelId: null` means the user left voice
 * (`previousChannelId` then says where from, so clients need no other state to remove them).
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
