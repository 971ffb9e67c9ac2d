import { chmod, mkdir, stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AwsClient } from 'aws4fetch';
import type { Config } from '../../config';
import type { RecordingOutput } from '../../livekit/egress';
import type { RecordingStorageKind } from './recordings.repo';

/**
 * Where recording files go: local files under RECORDINGS_DIR (shared with Egress: same machine locally, a shared
 * volume in docker-compose), or S3 when S3_BUCKET and its keys are configured.
 *
 * Paths are always built from ids the server generated (`<guildId>/<recordingId>.ogg`), never from user input.
 */

export interface StoredRecording {
  id: string;
  guildId: string;
  storage: RecordingStorageKind;
  objectKey: string;
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

export interface S3Settings {
  bucket: string;
  region: string;
  endpoint: string | undefined;
  accessKey: string;
  secret: string;
  forcePathStyle: boolean;
}

export function s3SettingsFrom(config: Config): S3Settings | null {
  if (!config.S3_BUCKET || !config.S3_ACCESS_KEY || !config.S3_SECRET_KEY) return null;
  return {
    bucket: config.S3_BUCKET,
    region: config.S3_REGION ?? 'us-east-1',
    endpoint: config.S3_ENDPOINT,
    accessKey: config.S3_ACCESS_KEY,
    secret: config.S3_SECRET_KEY,
    forcePathStyle: /^(1|true|yes)$/i.test(config.S3_FORCE_PATH_STYLE ?? ''),
  };
}

/** Object URL in virtual-hosted style (AWS default) or path style (MinIO and most self-hosted S3). */
export function s3ObjectUrl(s3: S3Settings, key: string): URL {
  const endpoint = new URL(s3.endpoint ?? `https://s3.${s3.region}.amazonaws.com`);
  const path = key.split('/').map(encodeURIComponent).join('/');
  if (s3.forcePathStyle) return new URL(`${endpoint.origin}/${encodeURIComponent(s3.bucket)}/${path}`);
  return new URL(`${endpoint.protocol}//${s3.bucket}.${endpoint.host}/${path}`);
}

const isMissing = (err: unknown): boolean => (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';

export function createRecordingStorage(options: { recordingsDir: string; s3: S3Settings | null }): RecordingStorage {
  const root = resolve(options.recordingsDir);
  const s3 = options.s3;
  const aws = s3 ? new AwsClient({ accessKeyId: s3.accessKey, secretAccessKey: s3.secret, region: s3.region, service: 's3' }) : null;

  const localPath = (rec: StoredRecording): string | null => (rec.storage === 'local' ? join(root, rec.objectKey) : null);

  return {
    kind: s3 ? 's3' : 'local',
    objectKeyFor: (guildId, recordingId) => `${guildId}/${recordingId}.ogg`,

    async prepareOutput(objectKey) {
      if (s3) return { kind: 's3', key: objectKey, ...s3 };
      const filepath = join(root, objectKey);
      const dir = join(filepath, '..');
      await mkdir(dir, { recursive: true });
      // In docker-compose Egress runs as another user than the server. A "drop box" directory (write+search for
      // others, sticky) lets Egress create the file while only the server, its owner, can list and delete.
      await chmod(dir, 0o1733).catch(() => undefined);
      return { kind: 'local', filepath };
    },

    localPath,

    async size(rec) {
      if (rec.storage === 'local') {
        try {
          return (await stat(join(root, rec.objectKey))).size;
        } catch (err) {
          if (isMissing(err)) return null;
          throw err;
        }
      }
      if (!s3 || !aws) return null;
      const res = await aws.fetch(s3ObjectUrl(s3, rec.objectKey).toString(), { method: 'HEAD' });
      if (res.status === 404) return null;
      if (!res.ok) throw new Error(`S3 HEAD ${res.status}`);
      return Number(res.headers.get('content-length') ?? 0);
    },

    async signedUrl(rec, expiresSeconds) {
      if (rec.storage !== 's3' || !s3 || !aws) return null;
      const url = s3ObjectUrl(s3, rec.objectKey);
      url.searchParams.set('X-Amz-Expires', String(expiresSeconds));
      const signed = await aws.sign(url.toString(), { method: 'GET', aws: { signQuery: true } });
      return signed.url;
    },

    async remove(rec) {
      if (rec.storage === 'local') {
        try {
          await unlink(join(root, rec.objectKey));
        } catch (err) {
          if (!isMissing(err)) throw err;
        }
        return;
      }
      if (!s3 || !aws) throw new Error('recording is stored in S3 but S3_* is not configured');
      const res = await aws.fetch(s3ObjectUrl(s3, rec.objectKey).toString(), { method: 'DELETE' });
      if (!res.ok && res.status !== 404) throw new Error(`S3 DELETE ${res.status}`);
    },
  };
}
