import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRecordingStorage, s3ObjectUrl, type S3Settings } from './recordings.storage';

const root = mkdtempSync(join(tmpdir(), 'parley-storage-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const GUILD = '6a0000000000000000000001';
const REC = '6a0000000000000000000002';
const s3: S3Settings = {
  bucket: 'rec',
  region: 'eu-west-1',
  endpoint: 'https://minio.example.org:9000',
  accessKey: 'AKIDEXAMPLE',
  secret: 'secret'.repeat(6),
  forcePathStyle: true,
};

describe('recording storage', () => {
  it('when local, then Egress gets an absolute path under RECORDINGS_DIR in a drop-box directory, and size/remove work by id', async () => {
    const storage = createRecordingStorage({ recordingsDir: root, s3: null });
    expect(storage.kind).toBe('local');
    const key = storage.objectKeyFor(GUILD, REC);
    const output = await storage.prepareOutput(key);
    expect(output).toEqual({ kind: 'local', filepath: join(root, GUILD, `${REC}.ogg`) });
    // Others may create files but not list; the sticky bit keeps them from deleting each other's.
    expect(statSync(join(root, GUILD)).mode & 0o7777).toBe(0o1733);
    const rec = { id: REC, guildId: GUILD, storage: 'local' as const, objectKey: key };
    expect(await storage.size(rec)).toBeNull();
    writeFileSync(join(root, key), Buffer.alloc(321));
    expect(await storage.size(rec)).toBe(321);
    expect(storage.localPath(rec)).toBe(join(root, key));
    await storage.remove(rec);
    await storage.remove(rec); // already gone: not an error
    expect(await storage.size(rec)).toBeNull();
  });

  it('when S3 is configured, then Egress gets upload settings and downloads are short-lived signed URLs', async () => {
    const storage = createRecordingStorage({ recordingsDir: root, s3 });
    expect(storage.kind).toBe('s3');
    const key = storage.objectKeyFor(GUILD, REC);
    expect(await storage.prepareOutput(key)).toMatchObject({ kind: 's3', key, bucket: 'rec', region: 'eu-west-1', forcePathStyle: true });
    const url = new URL((await storage.signedUrl({ id: REC, guildId: GUILD, storage: 's3', objectKey: key }, 300)) ?? '');
    expect(url.origin).toBe('https://minio.example.org:9000');
    expect(url.pathname).toBe(`/rec/${GUILD}/${REC}.ogg`);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^AKIDEXAMPLE\/\d{8}\/eu-west-1\/s3\/aws4_request$/);
    expect(storage.localPath({ id: REC, guildId: GUILD, storage: 's3', objectKey: key })).toBeNull();
  });

  it('when S3 uses virtual-hosted style, then the bucket is in the host name', () => {
    expect(s3ObjectUrl({ ...s3, endpoint: undefined, forcePathStyle: false }, 'a/b.ogg').toString()).toBe(
      'https://rec.s3.eu-west-1.amazonaws.com/a/b.ogg',
    );
  });
});
