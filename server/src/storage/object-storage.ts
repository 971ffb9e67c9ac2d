import { randomUUID } from 'node:crypto';
import { mkdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { AwsClient } from 'aws4fetch';
import type { Config } from '../config';

/**
 * Files the server keeps outside the database (recordings, attachments): local files under a directory, or objects in
 * S3 when S3_BUCKET and its keys are configured. Each stored file remembers where it went (`storage`), so switching
 * to S3 later leaves the older local files reachable.
 *
 * Keys are always built from ids the server generated, never from user input.
 */

export type StorageKind = 'local' | 's3';

export interface StoredObject {
  storage: StorageKind;
  objectKey: string;
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

/** Response headers an S3 signed URL makes the bucket answer with (S3's `response-*` query overrides). */
export interface SignedUrlOverrides {
  contentType?: string;
  contentDisposition?: string;
}

export interface ObjectStorage {
  /** Where new files go. */
  readonly kind: StorageKind;
  /** The local directory new local files go under (absolute). */
  readonly root: string;
  /** Absolute path of a local file (null for S3 ones). */
  localPath(o: StoredObject): string | null;
  /** Size in bytes, or null when the file is not there. */
  size(o: StoredObject): Promise<number | null>;
  /** Short-lived URL for an S3 object (null for local ones). */
  signedUrl(o: StoredObject, expiresSeconds: number, overrides?: SignedUrlOverrides): Promise<string | null>;
  /** Stores `data` under `objectKey` where new files go; a local file appears whole or not at all. */
  put(objectKey: string, data: Buffer, contentType: string): Promise<StoredObject>;
  /** Deletes the file; a file that is already gone is not an error. */
  remove(o: StoredObject): Promise<void>;
}

const isMissing = (err: unknown): boolean => (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';

/**
 * `s3KeyPrefix` keeps one kind of file apart from others in a shared bucket (`attachments/`); local files need none,
 * as each kind has its own directory.
 */
export function createObjectStorage(options: { dir: string; s3: S3Settings | null; s3KeyPrefix?: string }): ObjectStorage {
  const root = resolve(options.dir);
  const s3 = options.s3;
  const prefix = options.s3KeyPrefix ?? '';
  const aws = s3 ? new AwsClient({ accessKeyId: s3.accessKey, secretAccessKey: s3.secret, region: s3.region, service: 's3' }) : null;
  const s3Url = (o: StoredObject): URL => {
    if (!s3) throw new Error('file is stored in S3 but S3_* is not configured');
    return s3ObjectUrl(s3, prefix + o.objectKey);
  };

  return {
    kind: s3 ? 's3' : 'local',
    root,
    localPath: (o) => (o.storage === 'local' ? join(root, o.objectKey) : null),

    async size(o) {
      if (o.storage === 'local') {
        try {
          return (await stat(join(root, o.objectKey))).size;
        } catch (err) {
          if (isMissing(err)) return null;
          throw err;
        }
      }
      if (!aws) return null;
      const res = await aws.fetch(s3Url(o).toString(), { method: 'HEAD' });
      if (res.status === 404) return null;
      if (!res.ok) throw new Error(`S3 HEAD ${res.status}`);
      return Number(res.headers.get('content-length') ?? 0);
    },

    async signedUrl(o, expiresSeconds, overrides = {}) {
      if (o.storage !== 's3' || !aws) return null;
      const url = s3Url(o);
      url.searchParams.set('X-Amz-Expires', String(expiresSeconds));
      if (overrides.contentType) url.searchParams.set('response-content-type', overrides.contentType);
      if (overrides.contentDisposition) url.searchParams.set('response-content-disposition', overrides.contentDisposition);
      const signed = await aws.sign(url.toString(), { method: 'GET', aws: { signQuery: true } });
      return signed.url;
    },

    async put(objectKey, data, contentType) {
      const stored: StoredObject = { storage: s3 ? 's3' : 'local', objectKey };
      if (aws) {
        const res = await aws.fetch(s3Url(stored).toString(), {
          method: 'PUT',
          body: new Uint8Array(data),
          headers: { 'content-type': contentType },
        });
        if (!res.ok) throw new Error(`S3 PUT ${res.status}`);
        return stored;
      }
      const path = join(root, objectKey);
      await mkdir(dirname(path), { recursive: true });
      // Written aside, then renamed: a reader never sees half a file, and a crash leaves only a temp file.
      const temp = `${path}.${randomUUID()}.part`;
      try {
        await writeFile(temp, data, { mode: 0o600 });
        await rename(temp, path);
      } catch (err) {
        await unlink(temp).catch(() => undefined);
        throw err;
      }
      return stored;
    },

    async remove(o) {
      if (o.storage === 'local') {
        try {
          await unlink(join(root, o.objectKey));
        } catch (err) {
          if (!isMissing(err)) throw err;
        }
        return;
      }
      if (!aws) throw new Error('file is stored in S3 but S3_* is not configured');
      const res = await aws.fetch(s3Url(o).toString(), { method: 'DELETE' });
      if (!res.ok && res.status !== 404) throw new Error(`S3 DELETE ${res.status}`);
    },
  };
}
