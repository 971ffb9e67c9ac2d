import { MAX_ATTACHMENTS_PER_MESSAGE as SERVER_MAX } from '@shared/api/attachments';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../api/http-client';
import type { ParleyApi } from '../../../api/parley-api';
import { previewSize } from './preview-size';
import { createUploadsStore, formatBytes, MAX_ATTACHMENTS_PER_MESSAGE } from './uploads.store';

const CH = 'a'.repeat(24);
const file = (name: string, size: number) => new File([new Uint8Array(size)], name);
const attachment = (id: string, filename: string) => ({
  id,
  filename,
  contentType: 'application/octet-stream',
  size: 1,
  kind: 'file' as const,
  width: null,
  height: null,
  thumbnail: false,
});

/** Uploads that finish when the test says so, each reporting progress first. */
function fakeApi() {
  const pending: { name: string; resolve: (v: unknown) => void; reject: (e: unknown) => void; progress?: (f: number) => void }[] = [];
  const upload = vi.fn(
    (_c: string, _f: Blob, name: string, opts?: { onProgress?: (f: number) => void; signal?: AbortSignal }) =>
      new Promise((resolve, reject) => {
        pending.push({ name, resolve, reject, progress: opts?.onProgress });
        opts?.signal?.addEventListener('abort', () => reject(new ApiError('ABORTED', 'Upload cancelled', 0)));
      }),
  );
  return { api: { attachments: { upload } } as unknown as ParleyApi, pending, upload };
}
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('upload tray', () => {
  it('when files upload, then the tray shows progress, and a send takes only finished ones (none while one is under way)', async () => {
    const f = fakeApi();
    const store = createUploadsStore({ api: () => f.api });
    store.getState().add(CH, [file('a.txt', 3), file('b.png', 5)], null);
    expect(store.getState().byChannel[CH]?.map((u) => [u.name, u.state])).toEqual([
      ['a.txt', 'uploading'],
      ['b.png', 'uploading'],
    ]);
    f.pending[0]!.progress?.(0.5);
    expect(store.getState().byChannel[CH]?.[0]?.progress).toBe(0.5);
    f.pending[0]!.resolve(attachment('1'.repeat(24), 'a.txt'));
    await flush();
    expect(store.getState().take(CH)).toBeNull();
    f.pending[1]!.reject(new ApiError('PAYLOAD_TOO_LARGE', 'too big', 413));
    await flush();
    expect(
      store
        .getState()
        .take(CH)
        ?.map((a) => a.filename),
    ).toEqual(['a.txt']);
    // The failed one stays with its reason until removed.
    expect(store.getState().byChannel[CH]?.map((u) => [u.name, u.state, u.error])).toEqual([['b.png', 'failed', 'That is too large.']]);
  });

  it('when a file is over the known limit or past 10 files, then it fails at once without uploading; removing one cancels its upload', async () => {
    const f = fakeApi();
    const store = createUploadsStore({ api: () => f.api });
    store.getState().add(CH, [file('big.bin', 2048)], 1024);
    expect(f.upload).not.toHaveBeenCalled();
    expect(store.getState().byChannel[CH]?.[0]?.error).toMatch(/Too large: this server allows files up to 1\.0 KB/);
    store.getState().add(
      CH,
      Array.from({ length: 10 }, (_, i) => file(`f${i}`, 1)),
      null,
    );
    expect(f.upload).toHaveBeenCalledTimes(9);
    expect(store.getState().byChannel[CH]?.at(-1)?.error).toMatch(/at most 10 files/);
    const first = store.getState().byChannel[CH]![1]!;
    store.getState().remove(CH, first.localId);
    await flush();
    expect(store.getState().byChannel[CH]?.some((u) => u.localId === first.localId)).toBe(false);
  });

  it('when sizes and previews are computed, then they read well and keep the aspect ratio within 320 px', () => {
    expect(MAX_ATTACHMENTS_PER_MESSAGE).toBe(SERVER_MAX);
    expect([formatBytes(512), formatBytes(2048), formatBytes(5 * 1024 * 1024)]).toEqual(['512 B', '2.0 KB', '5.0 MB']);
    expect(previewSize(1600, 800)).toEqual({ width: 320, height: 160 });
    expect(previewSize(100, 50)).toEqual({ width: 100, height: 50 });
    expect(previewSize(null, null)).toEqual({ width: 320, height: 320 });
  });
});
