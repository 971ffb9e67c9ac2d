import { EgressClient, EgressStatus, EncodedFileOutput, EncodedFileType, S3Upload, ServerError } from 'livekit-server-sdk';
import type { EgressInfo, RoomServiceClient, WebhookEvent } from 'livekit-server-sdk';
import { recordingFromRoomMetadata, type RoomRecordingState } from '@shared/api/recordings';

/**
 * LiveKit Egress, reduced to what recordings need, as plain data. The recordings service depends on these interfaces
 * so its unit tests use fakes and the integration test the real Egress.
 *
 * We only ever start audio-only RoomComposite egress without a layout: Egress then mixes the room's audio through
 * its SDK path (no Chrome, no X server) and encodes Opus into an OGG file — the only lossy audio container Debian's
 * GStreamer can produce without faac.
 */

export type EgressState = 'starting' | 'active' | 'ending' | 'complete' | 'failed' | 'aborted' | 'limit_reached';

export interface EgressFact {
  egressId: string;
  roomName: string;
  state: EgressState;
  error: string | null;
  startedAtMs: number | null;
  endedAtMs: number | null;
  /** Recorded media duration of the (first) file, when Egress reported one. */
  durationMs: number | null;
  sizeBytes: number | null;
  /** Where Egress put the file (local path or object URL). */
  location: string | null;
}

export type RecordingOutput =
  | { kind: 'local'; filepath: string }
  | {
      kind: 's3';
      key: string;
      bucket: string;
      region: string;
      endpoint: string | undefined;
      accessKey: string;
      secret: string;
      forcePathStyle: boolean;
    };

export interface RecordingEgress {
  /** Starts an audio-only room composite to one OGG/Opus file. Rejects with EgressUnavailableError when no worker takes it. */
  startAudioRecording(roomName: string, output: RecordingOutput): Promise<EgressFact>;
  /** Stops an egress; resolves (not rejects) when it has already ended. */
  stop(egressId: string): Promise<void>;
  /** Egress jobs LiveKit still considers running, for reconciliation after a restart. */
  listActive(): Promise<EgressFact[]>;
}

export class EgressUnavailableError extends Error {
  override readonly name = 'EgressUnavailableError';
}

const STATES: Record<number, EgressState> = {
  [EgressStatus.EGRESS_STARTING]: 'starting',
  [EgressStatus.EGRESS_ACTIVE]: 'active',
  [EgressStatus.EGRESS_ENDING]: 'ending',
  [EgressStatus.EGRESS_COMPLETE]: 'complete',
  [EgressStatus.EGRESS_FAILED]: 'failed',
  [EgressStatus.EGRESS_ABORTED]: 'aborted',
  [EgressStatus.EGRESS_LIMIT_REACHED]: 'limit_reached',
};

const nsToMs = (ns: bigint): number | null => (ns > 0n ? Number(ns / 1_000_000n) : null);

export function toEgressFact(info: EgressInfo): EgressFact {
  const file = info.fileResults[0] ?? (info.result.case === 'file' ? info.result.value : undefined);
  return {
    egressId: info.egressId,
    roomName: info.roomName,
    state: STATES[info.status] ?? 'failed',
    error: info.error || null,
    startedAtMs: nsToMs(info.startedAt),
    endedAtMs: nsToMs(info.endedAt),
    durationMs: file ? nsToMs(file.duration) : null,
    sizeBytes: file && file.size > 0n ? Number(file.size) : null,
    location: file?.location || file?.filename || null,
  };
}

const EGRESS_EVENTS = new Set(['egress_started', 'egress_updated', 'egress_ended']);

/** The egress fact of a verified webhook, or null when the event is not about egress. */
export function egressFactFromWebhook(event: WebhookEvent): EgressFact | null {
  if (!EGRESS_EVENTS.has(event.event) || !event.egressInfo) return null;
  return toEgressFact(event.egressInfo);
}

function isNotFound(err: unknown): boolean {
  return err instanceof ServerError && (err.code === 'not_found' || err.status === 404);
}

/**
 * LiveKit answers a start request with an error when no Egress worker accepted it (none connected through Redis, or
 * all of them at their CPU budget). Those are "try again later" conditions, not bugs in our request.
 */
function isNoWorker(err: unknown): boolean {
  if (!(err instanceof ServerError)) return false;
  return (
    err.status === 503 ||
    err.code === 'unavailable' ||
    err.code === 'resource_exhausted' ||
    /egress|no response|not connected/i.test(err.message)
  );
}

export function createRecordingEgress(options: { url: string; apiKey: string; apiSecret: string; timeoutMs?: number }): RecordingEgress {
  const client = new EgressClient(options.url, options.apiKey, options.apiSecret, {
    requestTimeout: Math.ceil((options.timeoutMs ?? 15_000) / 1000),
  });
  return {
    async startAudioRecording(roomName, output) {
      const file = new EncodedFileOutput({
        fileType: EncodedFileType.OGG,
        filepath: output.kind === 'local' ? output.filepath : output.key,
        disableManifest: true,
        output:
          output.kind === 's3'
            ? {
                case: 's3',
                value: new S3Upload({
                  bucket: output.bucket,
                  region: output.region,
                  endpoint: output.endpoint ?? '',
                  accessKey: output.accessKey,
                  secret: output.secret,
                  forcePathStyle: output.forcePathStyle,
                }),
              }
            : { case: undefined, value: undefined },
      });
      try {
        const info = await client.startRoomCompositeEgress(roomName, file, { audioOnly: true });
        return toEgressFact(info);
      } catch (err) {
        if (isNoWorker(err)) throw new EgressUnavailableError(err instanceof Error ? err.message : 'no egress worker');
        throw err;
      }
    },
    async stop(egressId) {
      try {
        await client.stopEgress(egressId);
      } catch (err) {
        // Stopping something that already ended (e.g. the room closed) is the outcome we wanted.
        if (isNotFound(err) || (err instanceof ServerError && /not active|already|ended|complete|failed/i.test(err.message))) return;
        throw err;
      }
    },
    async listActive() {
      const list = await client.listEgress({ active: true });
      return list.map(toEgressFact);
    },
  };
}

/**
 * Writes the `recording` key of a room's metadata. Room metadata is one JSON string shared by features, so we read,
 * merge and write back instead of replacing it.
 */
export interface RoomRecordingMetadata {
  /**
   * False when the room does not exist (nobody in the channel). With `onlyIfRecordingId`, a clear (state null) only
   * happens while the room still shows that recording, so ending an old recording never hides a newer one's notice.
   */
  setRecording(roomName: string, state: RoomRecordingState, onlyIfRecordingId?: string): Promise<boolean>;
}

export function mergeRecordingMetadata(current: string | undefined, state: RoomRecordingState): string {
  let base: Record<string, unknown> = {};
  if (current) {
    try {
      const parsed: unknown = JSON.parse(current);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) base = parsed as Record<string, unknown>;
    } catch {
      // Metadata that is not a JSON object was not written by Parley; a recording notice must still get through.
    }
  }
  return JSON.stringify({ ...base, recording: state });
}

/** Takes the server's RoomServiceClient (ModuleContext.livekit), like the voice room service does. */
export function createRoomRecordingMetadata(client: RoomServiceClient): RoomRecordingMetadata {
  return {
    async setRecording(roomName, state, onlyIfRecordingId) {
      const [room] = await client.listRooms([roomName]);
      if (!room) return false;
      if (onlyIfRecordingId && recordingFromRoomMetadata(room.metadata)?.recordingId !== onlyIfRecordingId) return true;
      try {
        await client.updateRoomMetadata(roomName, mergeRecordingMetadata(room.metadata, state));
        return true;
      } catch (err) {
        if (isNotFound(err)) return false;
        throw err;
      }
    },
  };
}
