import { z } from 'zod';
import { Channel } from './channels';
import { Id, IsoDate } from './common';
import { Guild, Member } from './guilds';
import { ChannelPinsUpdateEvent, Message } from './messages';
import { GuildNotificationSettings } from './notification-settings';
import { ReadState, ReadStateUpdateEvent } from './read-states';
import { MessageReactionEvent } from './reactions';
import { PrivacySettings, Relationship, RelationshipRemoveEvent } from './relationships';
import { PrivateChannel, PrivateChannelDeleteEvent } from './private-channels';
import { Call, CallDeleteEvent, CallHistoryEntry, MissedCallsUpdateEvent } from './calls';
import { Role } from './roles';
import { PublicUser, User } from './users';
import { RecordingServerEvents } from './recordings';
import { VoiceServerEvents, VoiceState } from './voice';
import { EmbedServerEvents, VoiceGuest } from './embed';

/**
 * Realtime gateway contract (Socket.IO at path `/gateway`).
 *
 * Connect with `io(origin, { path: '/gateway', auth: { token: accessToken } })`. The server checks the token at the
 * handshake (connect_error `UNAUTHENTICATED`) and again when it expires: send `AUTH_REFRESH` with a fresh access token
 * before then, or the server emits `SESSION_EXPIRED` and disconnects. After a reconnect, fetch each open channel's
 * history with `after` = the last message id seen to fill the gap; READY is sent again on every connection.
 *
 * Every event is a single payload object. Events about a channel reach only members who can VIEW that channel.
 */
export { GATEWAY_PATH } from './route-table';

/**
 * What others see of a user: their chosen status (users.ts UserStatus) over their connected sessions. `invisible` and
 * no session are `offline`; `dnd` is `dnd`; otherwise `idle` when chosen or when every session is idle, else `online`.
 */
export const PresenceStatus = z.enum(['online', 'idle', 'dnd', 'offline']);
export type PresenceStatus = z.infer<typeof PresenceStatus>;

export const Presence = z.object({ userId: Id, status: PresenceStatus });
export type Presence = z.infer<typeof Presence>;

/** A guild as the gateway delivers it: only the channels this user can view. */
export const GuildSnapshot = z.object({
  guild: Guild,
  channels: z.array(Channel),
  roles: z.array(Role),
  me: Member,
  /** Members others can see online: at least one connected session and not invisible (online, idle or dnd). */
  onlineMembers: z.array(Member),
  presences: z.array(Presence),
  /** Who is in which voice channel (only channels this user can view). */
  voiceStates: z.array(VoiceState),
  /** The voice widget's guests in voice channels this user can view (absent from servers without the widget). */
  voiceGuests: z.array(VoiceGuest).optional(),
  /**
   * My read state of each visible channel that has one, with unread mention counts (absent from servers without read
   * states): channels not listed were never read.
   */
  readStates: z.array(ReadState).optional(),
  /** My notification settings of this guild and its visible channels (defaults when never changed). */
  notificationSettings: GuildNotificationSettings.optional(),
});
export type GuildSnapshot = z.infer<typeof GuildSnapshot>;

export const ReadyEvent = z.object({
  user: User,
  sessionId: z.string(),
  guilds: z.array(GuildSnapshot),
  /** My friends, friend requests each way and blocks (absent from servers without them). */
  relationships: z.array(Relationship).optional(),
  /** Who may DM or call me (absent from servers without relationships). */
  privacySettings: PrivacySettings.optional(),
  /** My DMs and group DMs (absent from servers without them). */
  privateChannels: z.array(PrivateChannel).optional(),
  /** My read markers and unread mention counts of those private channels (`guildId` null), as a guild snapshot's `readStates`. */
  privateReadStates: z.array(ReadState).optional(),
  /** Calls going on that I am part of (ringing for me, or I am in them), so a reloaded client rings or rejoins. */
  calls: z.array(Call).optional(),
  /** My missed calls not seen yet. */
  unseenMissedCalls: z.number().int().min(0).optional(),
});
export type ReadyEvent = z.infer<typeof ReadyEvent>;

export const MessageDeleteEvent = z.object({ id: Id, channelId: Id, guildId: Id.nullable() });
/**
 * Several messages of one channel were deleted at once (a ban that deletes message history, a moderator's purge).
 * One event per channel, at most 1000 ids each: a large deletion arrives as several events.
 */
export const MessageDeleteBulkEvent = z.object({ guildId: Id, channelId: Id, ids: z.array(Id).max(1000) });
export const ChannelDeleteEvent = z.object({ id: Id, guildId: Id });
export const RoleDeleteEvent = z.object({ id: Id, guildId: Id });
/**
 * Why a moderator removed you from a guild, so the client can say so: sent only to the removed user, with GUILD_DELETE.
 * `reason` is the ban's reason (kicks have none).
 */
export const GuildRemoval = z.object({ kind: z.enum(['kicked', 'banned']), reason: z.string().nullable() });
export type GuildRemoval = z.infer<typeof GuildRemoval>;
/** You left, were kicked or banned (then `removal` says which), or the guild was deleted. */
export const GuildDeleteEvent = z.object({ id: Id, removal: GuildRemoval.optional() });
export const MemberRemoveEvent = z.object({ guildId: Id, userId: Id });
export const TypingStartEvent = z.object({ guildId: Id.nullable(), channelId: Id, user: PublicUser, at: IsoDate });
export const PresenceUpdateEvent = Presence;
/**
 * The server is closing this connection: `TOKEN_EXPIRED` (renew the access token and reconnect) or `SESSION_REVOKED`
 * (this session was logged out from another device: sign out and say so; renewing would fail).
 */
export const SessionExpiredEvent = z.object({ code: z.enum(['TOKEN_EXPIRED', 'SESSION_REVOKED']), message: z.string() });
export const ChannelsReorderEvent = z.object({ guildId: Id, channels: z.array(Channel) });
/** A client event sent without an ack was refused (e.g. RATE_LIMITED past the user's event budget) and dropped. */
export const GatewayErrorEvent = z.object({
  event: z.string(),
  ok: z.literal(false),
  code: z.string(),
  retryAfterSeconds: z.number().int().positive().optional(),
});

/** Server → client events, name → payload schema. */
export const ServerEvents = {
  READY: ReadyEvent,
  MESSAGE_CREATE: Message,
  MESSAGE_UPDATE: Message,
  MESSAGE_DELETE: MessageDeleteEvent,
  MESSAGE_DELETE_BULK: MessageDeleteBulkEvent,
  CHANNEL_CREATE: Channel,
  CHANNEL_UPDATE: Channel,
  CHANNEL_DELETE: ChannelDeleteEvent,
  ROLE_CREATE: Role,
  ROLE_UPDATE: Role,
  ROLE_DELETE: RoleDeleteEvent,
  /** You joined a guild (or can see it again): the same snapshot READY carries per guild. */
  GUILD_CREATE: GuildSnapshot,
  GUILD_UPDATE: Guild,
  GUILD_DELETE: GuildDeleteEvent,
  MEMBER_ADD: Member,
  /** A member's nickname or roles changed, or their user's display name (sent to every guild they are in). */
  MEMBER_UPDATE: Member,
  MEMBER_REMOVE: MemberRemoveEvent,
  TYPING_START: TypingStartEvent,
  MESSAGE_REACTION_ADD: MessageReactionEvent,
  MESSAGE_REACTION_REMOVE: MessageReactionEvent,
  CHANNEL_PINS_UPDATE: ChannelPinsUpdateEvent,
  PRESENCE_UPDATE: PresenceUpdateEvent,
  /** Your own account changed (username, display name, chosen status), maybe from another session. */
  USER_UPDATE: User,
  SESSION_EXPIRED: SessionExpiredEvent,
  /** My read state of a channel changed in one of my sessions (ack, mark unread, mark server as read). */
  READ_STATE_UPDATE: ReadStateUpdateEvent,
  /** My notification settings of a guild changed in one of my sessions: the guild's whole settings, to replace mine. */
  NOTIFICATION_SETTINGS_UPDATE: GuildNotificationSettings,
  /**
   * A relationship of mine is new or changed type (a request sent or received, accepted, a block): to both users'
   * sessions, each seeing their own side. Replaces what I had for `user.id`.
   */
  RELATIONSHIP_ADD: Relationship,
  /** I no longer have a relationship with this user (removed, declined, cancelled, unblocked, or they blocked me). */
  RELATIONSHIP_REMOVE: RelationshipRemoveEvent,
  /** My privacy settings changed in one of my sessions. */
  PRIVACY_SETTINGS_UPDATE: PrivacySettings,
  /** A DM or group DM entered my list (opened, I was added, or a message reopened a 1:1 DM I had closed). */
  PRIVATE_CHANNEL_CREATE: PrivateChannel,
  /** A private channel of mine changed (name, owner, recipients). */
  PRIVATE_CHANNEL_UPDATE: PrivateChannel,
  /** A private channel left my list (I left, was removed, or closed it). */
  PRIVATE_CHANNEL_DELETE: PrivateChannelDeleteEvent,
  /** A call started in one of my private channels (to every recipient; mine rings when my status is `ringing`). */
  CALL_CREATE: Call,
  /** A call of mine changed: someone accepted, declined, joined, left, or a ring timed out. */
  CALL_UPDATE: Call,
  /** A call of mine ended. */
  CALL_DELETE: CallDeleteEvent,
  /** A call of mine ended and entered my history. */
  CALL_HISTORY_ADD: CallHistoryEntry,
  /** My unseen missed calls changed. */
  MISSED_CALLS_UPDATE: MissedCallsUpdateEvent,
  GATEWAY_ERROR: GatewayErrorEvent,
  ...VoiceServerEvents,
  ...EmbedServerEvents,
  ...RecordingServerEvents,
} as const;
export type ServerEventName = keyof typeof ServerEvents;
export type ServerEventPayload<E extends ServerEventName> = z.infer<(typeof ServerEvents)[E]>;

/** Client → server events. Each takes a payload and an ack callback receiving `{ ok: true } | { ok: false, code }`. */
export const AuthRefreshPayload = z.strictObject({ token: z.string().min(1).max(4096) });
export const PresenceSetPayload = z.strictObject({ status: z.enum(['online', 'idle']) });
export const ClientEvents = {
  /** Swap in a fresh access token so the session outlives the first one. */
  AUTH_REFRESH: AuthRefreshPayload,
  /**
   * This session's activity (the client sends idle after 10 minutes without input): a user whose chosen status is
   * online shows as idle when every session is idle.
   */
  PRESENCE_SET: PresenceSetPayload,
} as const;
export type ClientEventName = keyof typeof ClientEvents;
/** `retryAfterSeconds`: with RATE_LIMITED, when the user's event budget has room again. */
export type GatewayAck = { ok: true } | { ok: false; code: string; retryAfterSeconds?: number };
