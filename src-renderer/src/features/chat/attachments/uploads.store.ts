import type { Attachment } from '@shared/api/attachments';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { describeError } from '../../../api/http-client';
import type { ParleyApi } from '../../../api/parley-api';

/**
 * The server's MAX_ATTACHMENTS_PER_MESSAGE (src-shared/api/attachments.ts, which the renderer may not load: it builds
 * zod schemas); uploads.store.test.ts checks that they agree.
 */
export const MAX_ATTACHMENTS_PER_MESSAGE = 10;

/** One file in a channel's upload tray: uploading (with progress), uploaded (a pending attachment), or failed. */
export interface TrayUpload {
  localId: string;
  name: string;
  size: number;
  progress: number;
  state: 'uploading' | 'done' | 'failed';
  attachment: Attachment | null;
  error: string | null;
}

interface UploadsState {
  byChannel: Record<string, TrayUpload[]>;
  /** Starts uploading `files` to the channel (past the 10 a message can carry, or over `maxBytes`, they fail at once). */
  add(channelId: string, files: readonly File[], maxBytes: number | null): void;
  /** Takes a file off the tray (an upload under way is cancelled; an unsent upload is left to the server's sweep). */
  remove(channelId: string, localId: string): void;
  /** The uploaded attachments, taken off the tray for a send; null while any is still uploading. */
  take(channelId: string): Attachment[] | null;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function createUploadsStore(deps: { api: () => ParleyApi; newId?: () => string }): StoreApi<UploadsState> {
  let counter = 0;
  const newId = deps.newId ?? (() => `upload-${(counter += 1)}`);
  const aborts = new Map<string, AbortController>();

  return createStore<UploadsState>()((set, get) => {
    const update = (channelId: string, localId: string, patch: Partial<TrayUpload>) =>
      set((s) => ({
        byChannel: {
          ...s.byChannel,
          [channelId]: (s.byChannel[channelId] ?? []).map((u) => (u.localId === localId ? { ...u, ...patch } : u)),
        },
      }));

    return {
      byChannel: {},

      add(channelId, files, maxBytes) {
        const room = MAX_ATTACHMENTS_PER_MESSAGE - (get().byChannel[channelId]?.length ?? 0);
        const entries = files.map((file, i): [File, TrayUpload] => {
          const error =
            i >= room
              ? `A message can carry at most ${MAX_ATTACHMENTS_PER_MESSAGE} files.`
              : maxBytes !== null && file.size > maxBytes
                ? `Too large: this server allows files up to ${formatBytes(maxBytes)}.`
                : null;
          return [
            file,
            {
              localId: newId(),
              name: file.name || 'pasted file',
              size: file.size,
              progress: 0,
              state: error ? 'failed' : 'uploading',
              attachment: null,
              error,
            },
          ];
        });
        set((s) => ({ byChannel: { ...s.byChannel, [channelId]: [...(s.byChannel[channelId] ?? []), ...entries.map((e) => e[1])] } }));
        for (const [file, entry] of entries) {
          if (entry.state !== 'uploading') continue;
          const abort = new AbortController();
          aborts.set(entry.localId, abort);
          deps
            .api()
            .attachments.upload(channelId, file, entry.name, {
              signal: abort.signal,
              onProgress: (progress) => update(channelId, entry.localId, { progress }),
            })
            .then(
              (attachment) => update(channelId, entry.localId, { state: 'done', progress: 1, attachment }),
              (err: unknown) => update(channelId, entry.localId, { state: 'failed', error: describeError(err) }),
            )
            .finally(() => aborts.delete(entry.localId));
        }
      },

      remove(channelId, localId) {
        aborts.get(localId)?.abort();
        set((s) => ({ byChannel: { ...s.byChannel, [channelId]: (s.byChannel[channelId] ?? []).filter((u) => u.localId !== localId) } }));
      },

      take(channelId) {
        const list = get().byChannel[channelId] ?? [];
        if (list.some((u) => u.state === 'uploading')) return null;
        const done = list.flatMap((u) => (u.state === 'done' && u.attachment ? [u.attachment] : []));
        // Failed ones stay on the tray with their reason until removed.
        set((s) => ({ byChannel: { ...s.byChannel, [channelId]: list.filter((u) => u.state === 'failed') } }));
        return done;
      },
    };
  });
}
