import { z } from 'zod';
import { ChannelIdParams, GuildIdParams, Id, IsoDate, page } from './common';
import { defineRoute } from './contract';

/**
 * Voice-channel recordings (LiveKit Egress, audio-only, OGG/Opus).
 *
 * Consent is part of the contract: while a recording runs, the LiveKit room metadata carries `recording` (shape
 * below), so every participant — late joiners included — sees it in the room itself, not only through our gateway.
 * Starting and stopping also post a system message in the channel and an audit-log entry.
 */

export const RecordingStatus = z.enum([
  /** Egress accepted the request; no media written yet. */
  'starting',
  /** Egress is writing the file. */
  'active',
  /** Stop requested; waiting for Egress to finish the file. */
  'stopping',
  /** The file is complete and downloadable. */
  'completed',
  /** Egress failed; `error` says why. */
  'failed',
]);
export type RecordingStatus = z.infer<typeof RecordingStatus>;

export const RecordingActor = z.object({ id: Id, displayName: z.string() });
export type RecordingActor = z.infer<typeof RecordingActor>;

export const Recording = z.object({
  id: Id,
  guildId: Id,
  channelId: Id,
  status: RecordingStatus,
  startedBy: RecordingActor,
  stoppedBy: RecordingActor.nullable(),
  startedAt: IsoDate,
  endedAt: IsoDate.nullable(),
  /** Length of the recorded audio, from Egress; null until it ends. */
  durationMs: z.number().int().nonnegative().nullable(),
  sizeBytes: z.number().int().nonnegative().nullable(),
  mimeType: z.literal('audio/ogg'),
  error: z.string().nullable(),
  /** When the retention sweeper deletes it; null = kept until deleted by hand. */
  expiresAt: IsoDate.nullable(),
});
export type Recording = z.infer<typeof Recording>;

export const RecordingParams = z.strictObject({ recordingId: Id });
export const ChannelRecordingParams = z.strictObject({ channelId: Id, recordingId: Id });

/** `download=1` asks for `Content-Disposition: attachment` (a download instead of playing inline). */
export const RecordingFileQuery = z.strictObject({ download: z.literal('1').optional() });

/**
 * A short-lived ticket that opens one recording's file for the user it was issued to (see streamRecordingFile): for
 * `<audio src>` and download links, which cannot send an Authorization header.
 */
export const RecordingFileTicket = z.object({ ticket: z.string(), expiresAt: IsoDate });
export type RecordingFileTicket = z.infer<typeof RecordingFileTicket>;
export const RecordingStreamQuery = z.strictObject({
  /** `<userId>.<expiry seconds>.<HMAC-SHA256, base64url>` as createRecordingFileTicket issues it. */
  ticket: z.string().regex(/^[0-9a-f]{24}\.\d{1,12}\.[A-Za-z0-9_-]{43}$/, 'malformed file ticket'),
  download: z.literal('1').optional(),
});

export const RecordingsQuery = z.strictObject({
  before: Id.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  channelId: Id.optional(),
});
export type RecordingsQuery = z.infer<typeof RecordingsQuery>;

export const RecordingSettings = z.object({
  /** Completed recordings older than this many days are deleted by the sweeper; null keeps them forever. */
  retentionDays: z.number().int().min(1).max(3650).nullable(),
});
export type RecordingSettings = z.infer<typeof RecordingSettings>;
export const UpdateRecordingSettingsBody = z.strictObject({ retentionDays: z.number().int().min(1).max(3650).nullable() });

/**
 * The `recording` key of a voice room's LiveKit metadata (JSON). Other keys of the metadata object belong to other
 * features and are preserved by whoever writes this one.
 */
export const RoomRecordingState = z
  .object({
    active: z.literal(true),
    recordingId: Id,
    startedBy: RecordingActor,
    startedAt: IsoDate,
  })
  .nullable();
export type RoomRecordingState = z.infer<typeof RoomRecordingState>;

/** Parses a room's metadata string; anything unparsable means "no recording" (never throws). */
export function recordingFromRoomMetadata(metadata: string | undefined | null): RoomRecordingState {
  if (!metadata) return null;
  try {
    const parsed: unknown = JSON.parse(metadata);
    if (!parsed || typeof parsed !== 'object') return null;
    const result = RoomRecordingState.safeParse((parsed as Record<string, unknown>).recording ?? null);
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

/** Gateway events about recordings (server → client). */
export const RecordingFailedEvent = z.object({
  recording: Recording,
  /** Human-readable reason from Egress. */
  reason: z.string(),
});
export const RecordingDeleteEvent = z.object({ id: Id, guildId: Id, channelId: Id });
export const RecordingServerEvents = {
  /** A recording of a channel you can view started, stopped, completed, failed or was deleted (`status` tells). */
  RECORDING_UPDATE: Recording,
  /** A recording was deleted (by hand or by the retention sweeper). */
  RECORDING_DELETE: RecordingDeleteEvent,
  /** Sent only to the member who started the recording. */
  RECORDING_FAILED: RecordingFailedEvent,
} as const;

const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

/** REST routes of recordings (under /api/v1). */
export const recordingRoutes = {
  startRecording: defineRoute({
    tag: 'recordings',
    method: 'post',
    path: '/channels/:channelId/recordings',
    summary: 'Start recording a voice channel (RECORD)',
    auth: true,
    params: ChannelIdParams,
    response: Recording,
    status: 201,
    errors: { '409': 'CONFLICT: the channel is already being recorded, or nobody is in it' },
  }),
  stopRecording: defineRoute({
    tag: 'recordings',
    method: 'post',
    path: '/channels/:channelId/recordings/:recordingId/stop',
    summary: 'Stop a running recording (RECORD)',
    auth: true,
    params: ChannelRecordingParams,
    response: Recording,
  }),
  listChannelRecordings: defineRoute({
    tag: 'recordings',
    method: 'get',
    path: '/channels/:channelId/recordings',
    summary: 'Recordings of a channel, newest first (RECORD)',
    auth: true,
    params: ChannelIdParams,
    response: list(Recording),
  }),
  listGuildRecordings: defineRoute({
    tag: 'recordings',
    method: 'get',
    path: '/guilds/:guildId/recordings',
    summary: 'Recordings of a guild, newest first (RECORD in each channel)',
    auth: true,
    params: GuildIdParams,
    query: RecordingsQuery,
    response: page(Recording),
  }),
  getRecording: defineRoute({
    tag: 'recordings',
    method: 'get',
    path: '/recordings/:recordingId',
    summary: 'One recording (RECORD)',
    auth: true,
    params: RecordingParams,
    response: Recording,
  }),
  getRecordingFile: defineRoute({
    tag: 'recordings',
    method: 'get',
    path: '/recordings/:recordingId/file',
    summary: 'Download or stream the audio (audio/ogg; HTTP Range supported) (RECORD)',
    auth: true,
    params: RecordingParams,
    query: RecordingFileQuery,
    produces: 'audio/ogg',
    ranges: true,
    errors: { '409': 'CONFLICT: the recording is not finished' },
  }),
  createRecordingFileTicket: defineRoute({
    tag: 'recordings',
    method: 'post',
    path: '/recordings/:recordingId/file-ticket',
    summary: 'A ticket for streamRecordingFile: this recording, this user, valid 5 minutes (RECORD)',
    auth: true,
    params: RecordingParams,
    response: RecordingFileTicket,
    status: 201,
    errors: { '409': 'CONFLICT: the recording is not finished' },
  }),
  streamRecordingFile: defineRoute({
    tag: 'recordings',
    method: 'get',
    path: '/recordings/:recordingId/stream',
    summary:
      'The audio for <audio> and download links, authorised by a file ticket instead of a Bearer header (RECORD re-checked; HTTP Range supported)',
    auth: false,
    params: RecordingParams,
    query: RecordingStreamQuery,
    produces: 'audio/ogg',
    ranges: true,
    errors: {
      '401': 'UNAUTHENTICATED: the ticket is malformed or not for this recording; TOKEN_EXPIRED: it expired',
      '403': "FORBIDDEN: the ticket's user may no longer open this recording",
      '409': 'CONFLICT: the recording is not finished',
    },
  }),
  deleteRecording: defineRoute({
    tag: 'recordings',
    method: 'delete',
    path: '/recordings/:recordingId',
    summary: 'Delete a finished recording and its file (starter with RECORD, or MANAGE_GUILD)',
    auth: true,
    params: RecordingParams,
    status: 204,
    errors: { '409': 'CONFLICT: the recording is still running (stop it first)' },
  }),
  getRecordingSettings: defineRoute({
    tag: 'recordings',
    method: 'get',
    path: '/guilds/:guildId/recording-settings',
    summary: 'Retention of recordings (MANAGE_GUILD)',
    auth: true,
    params: GuildIdParams,
    response: RecordingSettings,
  }),
  updateRecordingSettings: defineRoute({
    tag: 'recordings',
    method: 'patch',
    path: '/guilds/:guildId/recording-settings',
    summary: 'Set retention of recordings (MANAGE_GUILD)',
    auth: true,
    params: GuildIdParams,
    body: UpdateRecordingSettingsBody,
    response: RecordingSettings,
  }),
} as const;

/**
 * `npm run doctor` proves that LiveKit's webhooks reach the server: it creates a throwaway room named like this, and
 * the server, on that room's verified webhook, sets `<DOCTOR_WEBHOOK_KEY_PREFIX><room>` in Redis for a few minutes.
 */
export const DOCTOR_ROOM = /^parley-doctor-[a-f0-9]{8,32}$/;
export const DOCTOR_WEBHOOK_KEY_PREFIX = 'parley:doctor:webhook:';
