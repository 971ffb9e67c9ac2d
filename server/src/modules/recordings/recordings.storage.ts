import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordingOutput } from '../../livekit/egress';
import { createObjectStorage, type S3Settings, type StoredObject } from '../../storage/object-storage';
import type { RecordingStorageKind } from './recordings.repo';

export { s3ObjectUrl, s3SettingsFrom, type S3Settings } from '../../storage/object-storage';

/**
 * Where recording files go: local files under RECORDINGS_DIR (shared with Egress: same machine locally, a shared
 * volume in docker-compose), or S3 when S3_BUCKET and its keys are configured (storage/object-storage.ts, shared with
 * attachments). Egress writes the files; this adds where it writes them.
 *
 * Paths are always built from ids the server generated (`<guildId>/<recordingId>.ogg`), never from user input.
 */

export interface StoredRecording extends StoredObject {
  id: string;
  guildId: string;
  storage: RecordingStorageKind;
}

export interface RecordingStorage {
  /** What new recordings use. */
  readonly kind: RecordingStorageKind;
  objectKeyFor(guildId: string, recordingId: string): string;
  /** Prepares the destination and describes it for Egress. */
  prepareOutput(objectKey: string): Promise<RecordingOutput>;
  /** Absolute path of a local recording (null for S3 ones). */
  localPath(rec: StoredRecording): string | null;
  /** Size in bytes, or null when the file is not there. */
  size(rec: StoredRecording): Promise<number | null>;
  /** Short-lived URL for an S3 recording (null for local ones). */
  signedUrl(rec: StoredRecording, expiresSeconds: number): Promise<string | null>;
  /** Deletes the file; a file that is already gone is not an error. */
  remove(rec: StoredRecording): Promise<void>;
}

export function createRecordingStorage(options: { recordingsDir: string; s3: S3Settings | null }): RecordingStorage {
  const files = createObjectStorage({ dir: options.recordingsDir, s3: options.s3 });
  const s3 = options.s3;

  return {
    kind: files.kind,
    objectKeyFor: (guildId, recordingId) => `${guildId}/${recordingId}.ogg`,

    async prepareOutput(objectKey) {
      if (s3) return { kind: 's3', key: objectKey, ...s3 };
      const filepath = join(files.root, objectKey);
      const dir = join(filepath, '..');
      await mkdir(dir, { recursive: true });
      // In docker-compose Egress runs as another user than the server. A "drop box" directory (write+search for
      // others, sticky) lets Egress create the file while only the server, its owner, can list and delete.
      await chmod(dir, 0o1733).catch(() => undefined);
      return { kind: 'local', filepath };
    },

    localPath: (rec) => files.localPath(rec),
    size: (rec) => files.size(rec),
    signedUrl: (rec, expiresSeconds) => files.signedUrl(rec, expiresSeconds),
    remove: (rec) => files.remove(rec),
  };
}
