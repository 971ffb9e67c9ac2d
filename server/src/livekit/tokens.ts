import { AccessToken, TrackSource } from 'livekit-server-sdk';
import type { VideoGrant } from 'livekit-server-sdk';

/**
 * LiveKit join tokens for voice channels.
 *
 * Why a short TTL is enough: LiveKit checks the token only when the WebSocket signal connection is opened. After that
 * the session lives as long as the connection does, and the SFU itself hands the client refreshed tokens for its own
 * reconnects (ICE restarts, network changes). So a leaked token is only useful for about a minute, and only for this
 * one room, with these grants.
 */
export const DEFAULT_VOICE_TOKEN_TTL_SECONDS = 60;

/** What a member may do in a voice room, derived from permissions and server moderation. */
export interface VoiceMediaRights {
  /** SPEAK and not server-muted / server-deafened. */
  canPublish: boolean;
  /** Not server-deafened. */
  canSubscribe: boolean;
}

export function voiceMediaRights(input: { speak: boolean; serverMute: boolean; serverDeaf: boolean }): VoiceMediaRights {
  // A deafened user can't hear the room, so like Discord they can't talk into it either.
  return {
    canPublish: input.speak && !input.serverMute && !input.serverDeaf,
    canSubscribe: !input.serverDeaf,
  };
}

/**
 * The exact grant of a voice token. Everything not listed is off: no roomAdmin/roomCreate/roomList/roomRecord/recorder,
 * no data channel, no metadata changes, no camera or screen share (canPublishSources supersedes canPublish).
 */
export function voiceVideoGrant(room: string, rights: VoiceMediaRights): VideoGrant {
  return {
    room,
    roomJoin: true,
    roomCreate: false,
    roomList: false,
    roomRecord: false,
    roomAdmin: false,
    recorder: false,
    hidden: false,
    canSubscribe: rights.canSubscribe,
    canPublish: rights.canPublish,
    // Always exactly the microphone: an empty list would mean "any source" to LiveKit if canPublish were ever true.
    canPublishSources: [TrackSource.MICROPHONE],
    canPublishData: false,
    canUpdateOwnMetadata: false,
  };
}

/**
 * The same rights as LiveKit's ParticipantPermission, for RoomServiceClient.updateParticipant when moderation changes
 * them live. Every field is sent: the permission message replaces the previous one wholesale, and an empty
 * canPublishSources would mean "any source".
 */
export function voiceParticipantPermission(rights: VoiceMediaRights) {
  return {
    canSubscribe: rights.canSubscribe,
    canPublish: rights.canPublish,
    canPublishData: false,
    canPublishSources: [TrackSource.MICROPHONE],
    canUpdateMetadata: false,
    hidden: false,
    recorder: false,
    agent: false,
  };
}

export interface VoiceTokenRequest {
  userId: string;
  displayName: string;
  room: string;
  rights: VoiceMediaRights;
}

export interface VoiceTokenIssuer {
  readonly ttlSeconds: number;
  issue(request: VoiceTokenRequest): Promise<string>;
}

export function createVoiceTokenIssuer(options: {
  apiKey: string;
  apiSecret: string;
  ttlSeconds?: number;
}): VoiceTokenIssuer {
  const ttlSeconds = options.ttlSeconds ?? DEFAULT_VOICE_TOKEN_TTL_SECONDS;
  return {
    ttlSeconds,
    async issue(request) {
      const token = new AccessToken(options.apiKey, options.apiSecret, {
        identity: request.userId,
        name: request.displayName,
        ttl: ttlSeconds,
      });
      token.addGrant(voiceVideoGrant(request.room, request.rights));
      return token.toJwt();
    },
  };
}
