import { z } from 'zod';
import { ChannelIdParams, GuildIdParams, Id, IsoDate } from './common';
import { defineRoute } from './contract';

/**
 * The voice widget a web page embeds (`/embed/voice/:channelId`, issue 18 part 4): per guild, the origins allowed to
 * frame it and whether people who are not signed in may use it (guests).
 */

/** `off`: no guests; `listen`: guests hear the channel; `speak`: guests may also publish their microphone. */
export const EMBED_GUEST_ACCESS = ['off', 'listen', 'speak'] as const;
export const EmbedGuestAccess = z.enum(EMBED_GUEST_ACCESS);
export type EmbedGuestAccess = z.infer<typeof EmbedGuestAccess>;

/** Scheme + host + optional port, exactly as a browser spells the origin (`https://example.com`, `http://localhost:8080`). */
export function isExactOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}

export const EmbedOrigin = z
  .string()
  .max(200)
  .refine(isExactOrigin, 'must be an origin: scheme, host and optional port, nothing else (https://example.com)');

export const MAX_EMBED_ORIGINS = 20;

export const EmbedSettings = z.object({
  guildId: Id,
  /** Origins whose pages may frame this guild's voice widgets; empty = none may. */
  allowedOrigins: z.array(z.string()),
  guestAccess: EmbedGuestAccess,
});
export type EmbedSettings = z.infer<typeof EmbedSettings>;

export const UpdateEmbedSettingsBody = z.strictObject({
  allowedOrigins: z.array(EmbedOrigin).max(MAX_EMBED_ORIGINS).optional(),
  guestAccess: EmbedGuestAccess.optional(),
});
export type UpdateEmbedSettingsBody = z.infer<typeof UpdateEmbedSettingsBody>;

/** What the widget needs to join a voice channel as a guest. */
export const EmbedGuestToken = z.object({
  /** LiveKit's public WebSocket URL. */
  url: z.string(),
  /** A LiveKit join token for this channel's room, valid for VOICE_TOKEN_TTL_SECONDS. */
  token: z.string(),
  /** `guest:<random>`: never a user id, so it cannot be taken for a member. */
  identity: z.string(),
  channel: z.object({ id: Id, name: z.string() }),
  /** Whether the token lets the guest publish a microphone (guest access `speak`). */
  canSpeak: z.boolean(),
  expiresInSeconds: z.number().int().positive(),
});
export type EmbedGuestToken = z.infer<typeof EmbedGuestToken>;

export const GUEST_IDENTITY_PREFIX = 'guest:';
export const isGuestIdentity = (identity: string): boolean => identity.startsWith(GUEST_IDENTITY_PREFIX);
/** A guest's LiveKit identity exactly as the token route makes it: the prefix and 12 hex digits. */
export const GuestIdentity = z.string().regex(/^guest:[0-9a-f]{12}$/, 'must be a guest identity (guest:<12 hex digits>)');

/**
 * A guest of the voice widget in a voice channel, as LiveKit's webhooks report it (kept apart from members' voice
 * states, whose `userId` is always a user id). Guests have no account: no profile, no DM, only a name like "Guest 1a2b".
 */
export const VoiceGuest = z.object({
  identity: z.string(),
  name: z.string(),
  guildId: Id,
  channelId: Id,
  joinedAt: IsoDate,
  /**
   * A moderator took the guest's microphone (MUTE_MEMBERS); it stays taken while the guest's connection drops and
   * resumes (a guest who leaves and joins again has a new identity).
   */
  serverMute: z.boolean(),
});
export type VoiceGuest = z.infer<typeof VoiceGuest>;

export const VoiceGuestList = z.object({ items: z.array(VoiceGuest) });
export type VoiceGuestList = z.infer<typeof VoiceGuestList>;

export const VoiceGuestParams = z.strictObject({ guildId: Id, identity: GuestIdentity });

/** `PATCH /guilds/:guildId/voice-guests/:identity`: server-mute or unmute a guest (MUTE_MEMBERS in its channel). */
export const ModerateVoiceGuestBody = z.strictObject({ serverMute: z.boolean() });
export type ModerateVoiceGuestBody = z.infer<typeof ModerateVoiceGuestBody>;

/** Gateway event name: a guest joined (`connected: true`) or left a voice channel. */
export const VOICE_GUEST_UPDATE = 'VOICE_GUEST_UPDATE';
/** `VOICE_GUEST_UPDATE`, sent to every member who can view the channel. */
export const VoiceGuestUpdateEvent = VoiceGuest.extend({ connected: z.boolean() });
export type VoiceGuestUpdateEvent = z.infer<typeof VoiceGuestUpdateEvent>;

export const EmbedServerEvents = { VOICE_GUEST_UPDATE: VoiceGuestUpdateEvent } as const;

/** The HTML page itself (served outside /api/v1, not in the OpenAPI document). */
export const embedVoicePath = (channelId: string): string => `/embed/voice/${channelId}`;

/** REST routes of the embed (under /api/v1). */
export const embedRoutes = {
  getEmbedSettings: defineRoute({
    tag: 'embed',
    method: 'get',
    path: '/guilds/:guildId/embed-settings',
    summary: "The guild's embed settings: allowed origins and guest access (MANAGE_GUILD)",
    auth: true,
    params: GuildIdParams,
    response: EmbedSettings,
  }),
  updateEmbedSettings: defineRoute({
    tag: 'embed',
    method: 'patch',
    path: '/guilds/:guildId/embed-settings',
    summary:
      'Set the origins that may frame the voice widget and whether guests may use it (MANAGE_GUILD; https origins only in production)',
    auth: true,
    params: GuildIdParams,
    body: UpdateEmbedSettingsBody,
    response: EmbedSettings,
  }),
  createEmbedGuestToken: defineRoute({
    tag: 'embed',
    method: 'post',
    path: '/embed/voice/:channelId/guest-token',
    summary:
      "A guest's short-lived LiveKit token for a voice channel's widget (no account; only when the guild allows guests and lists an origin, and @everyone may connect)",
    auth: false,
    params: ChannelIdParams,
    response: EmbedGuestToken,
    status: 201,
    errors: {
      '403':
        'FORBIDDEN: the guild does not allow guests in its voice widget, or @everyone may not connect to this channel; CHANNEL_FULL: the channel is at its user limit',
    },
  }),
  listGuildVoiceGuests: defineRoute({
    tag: 'embed',
    method: 'get',
    path: '/guilds/:guildId/voice-guests',
    summary: "The voice widget's guests in the guild's voice channels (channels I can view)",
    auth: true,
    params: GuildIdParams,
    response: VoiceGuestList,
  }),
  moderateVoiceGuest: defineRoute({
    tag: 'embed',
    method: 'patch',
    path: '/guilds/:guildId/voice-guests/:identity',
    summary:
      "Server-mute or unmute a voice widget's guest (MUTE_MEMBERS in its channel). Unmuting gives the microphone back only where guests may speak",
    auth: true,
    params: VoiceGuestParams,
    body: ModerateVoiceGuestBody,
    response: VoiceGuest,
  }),
  disconnectVoiceGuest: defineRoute({
    tag: 'embed',
    method: 'delete',
    path: '/guilds/:guildId/voice-guests/:identity',
    summary: "Disconnect a voice widget's guest from its voice channel (MOVE_MEMBERS in that channel)",
    auth: true,
    params: VoiceGuestParams,
    status: 204,
  }),
} as const;
