import { ServerError, TrackSource } from 'livekit-server-sdk';
import type { ParticipantPermission } from 'livekit-server-sdk';
import type { RoomServiceClient } from 'livekit-server-sdk';
import type { VoiceMediaRights } from './tokens';
import { voiceParticipantPermission } from './tokens';

/**
 * The slice of LiveKit's RoomService that voice needs, as plain data. Services depend on this interface so unit tests
 * use a fake and integration tests the real SFU.
 */
export type LiveTrackSource = 'microphone' | 'camera' | 'screen_share' | 'screen_share_audio' | 'unknown';

export interface LiveParticipant {
  sid: string;
  identity: string;
  /** The display name the participant's token carried ('' or absent when none). */
  name?: string;
  joinedAtMs: number;
  tracks: { sid: string; source: LiveTrackSource; muted: boolean }[];
  /** What LiveKit lets the participant do now (the token's grant, or the latest updateParticipant). */
  permission: { canPublish: boolean; canSubscribe: boolean; canPublishSources: LiveTrackSource[] } | null;
}

export interface VoiceRoomService {
  listRooms(): Promise<string[]>;
  /** Participants of a room; an empty list when the room doesn't exist. */
  listParticipants(room: string): Promise<LiveParticipant[]>;
  /** Closes a room, disconnecting everyone in it at once. Resolves false (not an error) when there was no such room. */
  deleteRoom(room: string): Promise<boolean>;
  /**
   * Resolves once LiveKit answers about `room` (whether or not the room exists); rejects with LiveKit's error when it
   * does not. A change that is written first and told to LiveKit after (moderation, a move, a disconnect) asks this
   * first, so an unreachable LiveKit fails it with nothing written.
   */
  ping(room: string): Promise<void>;
  /** Disconnects a participant. Resolves false (not an error) when they weren't there. */
  removeParticipant(room: string, identity: string): Promise<boolean>;
  /**
   * Disconnects one connection: only while LiveKit's participant `identity` in `room` is still connection `sid`, so a
   * reconnect under a new sid is left alone. False when it is not (or nobody is there).
   */
  removeConnection(room: string, identity: string, sid: string): Promise<boolean>;
  /**
   * Applies media rights live: replaces the participant's permission and server-mutes any microphone already
   * published, so revoking takes effect even on clients that ignore permission updates. A camera or screen share whose
   * source is no longer allowed is unpublished by LiveKit itself (livekit-server 1.13.5 does so within a few hundred
   * ms of the update; tests/integration/voice-video.test.ts checks it). False when not in the room.
   */
  applyRights(room: string, identity: string, rights: VoiceMediaRights): Promise<boolean>;
}

const SOURCES: Record<number, LiveTrackSource> = {
  [TrackSource.MICROPHONE]: 'microphone',
  [TrackSource.CAMERA]: 'camera',
  [TrackSource.SCREEN_SHARE]: 'screen_share',
  [TrackSource.SCREEN_SHARE_AUDIO]: 'screen_share_audio',
};

/** LiveKit's numeric TrackSource as the name we use. */
export function trackSourceName(source: TrackSource): LiveTrackSource {
  return SOURCES[source] ?? 'unknown';
}

/** What a participant's published tracks say about their camera and screen share. */
export function mediaPresenceOf(tracks: readonly { source: LiveTrackSource }[]): { selfVideo: boolean; selfStream: boolean } {
  return { selfVideo: tracks.some((t) => t.source === 'camera'), selfStream: tracks.some((t) => t.source === 'screen_share') };
}

/** LiveKit's permission of a participant (a listing's, a webhook's) as plain data; null when absent. */
export function livePermission(permission: ParticipantPermission | undefined): LiveParticipant['permission'] {
  return permission
    ? {
        canPublish: permission.canPublish,
        canSubscribe: permission.canSubscribe,
        canPublishSources: permission.canPublishSources.map(trackSourceName),
      }
    : null;
}

/**
 * Whether LiveKit's permission for a participant already grants exactly `rights` (as a token or applyRights would),
 * so a sweep updates only participants whose rights changed. An unknown permission never matches.
 */
export function grantsExactly(permission: LiveParticipant['permission'], rights: VoiceMediaRights): boolean {
  if (!permission) return false;
  const want = voiceParticipantPermission(rights);
  const sources = (list: readonly string[]) => [...new Set(list)].sort().join(',');
  return (
    permission.canPublish === want.canPublish &&
    permission.canSubscribe === want.canSubscribe &&
    sources(permission.canPublishSources) === sources(want.canPublishSources.map(trackSourceName))
  );
}

function isNotFound(err: unknown): boolean {
  return err instanceof ServerError && (err.code === 'not_found' || err.status === 404);
}

/** How long the "are they still there" lookup below may take: a stalled LiveKit must not double a request's wait. */
const GONE_LOOKUP_MS = 250;

/**
 * Whether a failed call on one participant failed because they were not (or no longer) there. LiveKit checks that the
 * participant exists in its store, then forwards the call to the node that hosts them; a participant who leaves in
 * between (a moved user's client leaving on its own, a bot closing) leaves nobody to answer, and LiveKit fails the call
 * with a 5xx "no response from servers" after 3-5 s, or our client gives up first (room-client.ts). The store has dropped
 * them by then: a quick lookup that finds nobody makes that "not there", not an outage. Anything else (the lookup
 * failing or slow too) keeps the original error.
 */
async function participantGone(client: RoomServiceClient, err: unknown, room: string, identity: string): Promise<boolean> {
  if (isNotFound(err)) return true;
  if (!(err instanceof ServerError) || err.status < 500) return false;
  let timer: NodeJS.Timeout | undefined;
  const lookup = client.getParticipant(room, identity).then(
    () => false,
    (lookupErr: unknown) => isNotFound(lookupErr),
  );
  const slow = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), GONE_LOOKUP_MS)));
  try {
    return await Promise.race([lookup, slow]);
  } finally {
    clearTimeout(timer);
  }
}

/** Wraps the server's RoomServiceClient (one per server instance, built from LIVEKIT_URL and the API key). */
export function createVoiceRoomService(client: RoomServiceClient): VoiceRoomService {
  async function removeParticipant(room: string, identity: string): Promise<boolean> {
    try {
      await client.removeParticipant(room, identity);
      return true;
    } catch (err) {
      if (await participantGone(client, err, room, identity)) return false;
      throw err;
    }
  }

  return {
    async listRooms() {
      const rooms = await client.listRooms();
      return rooms.map((r) => r.name);
    },
    async listParticipants(room) {
      try {
        const list = await client.listParticipants(room);
        return list.map((p) => ({
          sid: p.sid,
          identity: p.identity,
          name: p.name,
          joinedAtMs: p.joinedAtMs > 0n ? Number(p.joinedAtMs) : Number(p.joinedAt) * 1000,
          tracks: p.tracks.map((t) => ({ sid: t.sid, source: trackSourceName(t.source), muted: t.muted })),
          permission: livePermission(p.permission),
        }));
      } catch (err) {
        if (isNotFound(err)) return [];
        throw err;
      }
    },
    async ping(room) {
      await client.listRooms([room]);
    },
    async deleteRoom(room) {
      try {
        await client.deleteRoom(room);
        return true;
      } catch (err) {
        if (isNotFound(err)) return false;
        throw err;
      }
    },
    removeParticipant,
    async removeConnection(room, identity, sid) {
      try {
        if ((await client.getParticipant(room, identity)).sid !== sid) return false;
      } catch (err) {
        if (isNotFound(err)) return false;
        throw err;
      }
      return removeParticipant(room, identity);
    },
    async applyRights(room, identity, rights) {
      let info;
      try {
        info = await client.updateParticipant(room, identity, { permission: voiceParticipantPermission(rights) });
      } catch (err) {
        if (await participantGone(client, err, room, identity)) return false;
        throw err;
      }
      if (!rights.microphone) {
        // Revoking the microphone makes LiveKit unpublish it; muting first closes the gap until that happens.
        for (const track of info.tracks) {
          if (track.source !== TrackSource.MICROPHONE || track.muted) continue;
          try {
            await client.mutePublishedTrack(room, identity, track.sid, true);
          } catch (err) {
            if (!(await participantGone(client, err, room, identity))) throw err;
          }
        }
      }
      return true;
    },
  };
}
