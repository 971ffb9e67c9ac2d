import { createHmac } from 'node:crypto';
import { claimsToJwtPayload, TrackSource } from 'livekit-server-sdk';
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
  microphone: boolean;
  /** VIDEO and not stopped by a moderator (serverVideoOff). */
  camera: boolean;
  /** STREAM and not stopped by a moderator (serverStreamOff): screen share and its audio. */
  screenShare: boolean;
  /** Not server-deafened. */
  canSubscribe: boolean;
}

export interface VoiceRightsInput {
  speak: boolean;
  video: boolean;
  stream: boolean;
  serverMute: boolean;
  serverDeaf: boolean;
  serverVideoOff: boolean;
  serverStreamOff: boolean;
}

export function voiceMediaRights(input: VoiceRightsInput): VoiceMediaRights {
  return {
    // A deafened user can't hear the room, so like Discord they can't talk into it either.
    microphone: input.speak && !input.serverMute && !input.serverDeaf,
    camera: input.video && !input.serverVideoOff,
    screenShare: input.stream && !input.serverStreamOff,
    canSubscribe: !input.serverDeaf,
  };
}

/** Two rights alike (LiveKit would be granted the same for each). */
export function sameRights(a: VoiceMediaRights, b: VoiceMediaRights): boolean {
  return a.microphone === b.microphone && a.camera === b.camera && a.screenShare === b.screenShare && a.canSubscribe === b.canSubscribe;
}

/**
 * The sources LiveKit lets the participant publish, and whether they may publish at all. Never an empty list: LiveKit
 * reads an empty canPublishSources as "any source", so with nothing allowed the list stays [microphone] and canPublish
 * is false.
 */
export function publishGrant(rights: VoiceMediaRights): { canPublish: boolean; canPublishSources: TrackSource[] } {
  const sources: TrackSource[] = [];
  if (rights.microphone) sources.push(TrackSource.MICROPHONE);
  if (rights.camera) sources.push(TrackSource.CAMERA);
  if (rights.screenShare) sources.push(TrackSource.SCREEN_SHARE, TrackSource.SCREEN_SHARE_AUDIO);
  return sources.length > 0
    ? { canPublish: true, canPublishSources: sources }
    : { canPublish: false, canPublishSources: [TrackSource.MICROPHONE] };
}

/**
 * The exact grant of a voice token. Everything not listed is off: no roomAdmin/roomCreate/roomList/roomRecord/recorder,
 * no data channel, no metadata changes, and only the sources the rights allow (canPublishSources supersedes canPublish).
 */
export function voiceVideoGrant(room: string, rights: VoiceMediaRights): VideoGrant {
  const { canPublish, canPublishSources } = publishGrant(rights);
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
    canPublish,
    canPublishSources,
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
  const { canPublish, canPublishSources } = publishGrant(rights);
  return {
    canSubscribe: rights.canSubscribe,
    canPublish,
    canPublishData: false,
    canPublishSources,
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

/** The JWS header LiveKit's own AccessToken writes. */
const JWT_HEADER = Buffer.from(JSON.stringify({ alg: 'HS256' })).toString('base64url');

/**
 * Signs LiveKit join tokens: the claims LiveKit's `AccessToken.toJwt()` writes (its `claimsToJwtPayload` shapes the
 * grant; `iss` = API key, `sub` = identity, `nbf` = now, `exp` = now + TTL), HS256 with the API secret.
 *
 * Why not `AccessToken.toJwt()` itself: it encodes the secret and builds a jose key for every token, 55–75 µs per
 * token against 11–19 µs for one HMAC over the same bytes (measured with both in one process, 20,000 tokens each).
 * That is about a twelfth of a voice join's CPU, the hot path of the server benchmark. The output is checked against
 * jose's verifier in tokens.test.ts and accepted by livekit-server in the voice integration tests.
 */
export function createVoiceTokenIssuer(options: {
  apiKey: string;
  apiSecret: string;
  ttlSeconds?: number;
  clock?: { now(): Date };
}): VoiceTokenIssuer {
  const ttlSeconds = options.ttlSeconds ?? DEFAULT_VOICE_TOKEN_TTL_SECONDS;
  const secret = Buffer.from(options.apiSecret, 'utf8');
  const clock = options.clock ?? { now: () => new Date() };
  return {
    ttlSeconds,
    async issue(request) {
      if (!request.userId) throw new Error('a voice token needs an identity');
      const now = Math.floor(clock.now().getTime() / 1000);
      const claims = {
        ...claimsToJwtPayload({ name: request.displayName, video: voiceVideoGrant(request.room, request.rights) }),
        iss: options.apiKey,
        exp: now + ttlSeconds,
        nbf: now,
        sub: request.userId,
      };
      const signed = `${JWT_HEADER}.${Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url')}`;
      return `${signed}.${createHmac('sha256', secret).update(signed).digest('base64url')}`;
    },
  };
}
