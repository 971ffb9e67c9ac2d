import type { Recording } from '@shared/api/recordings';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/http-client';
import type { ParleyApi } from '../../api/parley-api';
import { formatElapsed, formatSize } from './format';
import { createRecordingsStore, recordingsIn, recordErrorText } from './recordings.store';

const G = 'a'.repeat(24);
const C1 = 'c'.repeat(24);
const C2 = 'd'.repeat(24);
const rec = (id: string, channelId = C1, extra: Partial<Recording> = {}): Recording => ({
  id: id.padStart(24, '0'),
  guildId: G,
  channelId,
  status: 'completed',
  startedBy: { id: 'u'.repeat(24), displayName: 'Ann' },
  stoppedBy: null,
  startedAt: '2026-01-01T00:00:00.000Z',
  endedAt: '2026-01-01T00:00:03.000Z',
  durationMs: 3000,
  sizeBytes: 12_345,
  mimeType: 'audio/ogg',
  error: null,
  expiresAt: null,
  ...extra,
});

/** A fake of the recordings API: only what the store calls, answering from `rows` or failing with `fail`. */
function harness(rows: Recording[] = [], fail?: ApiError) {
  const calls: string[] = [];
  const maybeFail = () => {
    if (fail) throw fail;
  };
  const recordings = {
    // Pages of two, oldest last, as the server pages them (`before` = the last id of the previous page).
    listGuild: async (_g: string, before?: string) => {
      calls.push(`listGuild:${before ?? ''}`);
      maybeFail();
      const sorted = [...rows].sort((x, y) => (x.id < y.id ? 1 : -1)).filter((r) => !before || r.id < before);
      const items = sorted.slice(0, 2);
      return { items, nextCursor: sorted.length > 2 ? (items.at(-1)?.id ?? null) : null };
    },
    listChannel: async (channelId: string) => (
      calls.push(`listChannel:${channelId}`),
      maybeFail(),
      rows.filter((r) => r.channelId === channelId)
    ),
    start: async (channelId: string) => (calls.push(`start:${channelId}`), maybeFail(), rec('9', channelId, { status: 'starting' })),
    stop: async (channelId: string, id: string) => (calls.push(`stop:${id}`), maybeFail(), rec('9', channelId, { status: 'stopping' })),
    remove: async (id: string) => (calls.push(`remove:${id}`), maybeFail(), undefined),
    fileUrl: async (id: string, download?: boolean) => (
      maybeFail(),
      `http://x/api/v1/recordings/${id}/stream?ticket=t${download ? '&download=1' : ''}`
    ),
    settings: async () => (maybeFail(), { retentionDays: null }),
    updateSettings: async (_g: string, body: { retentionDays: number | null }) => (maybeFail(), body),
  };
  const store = createRecordingsStore({ api: () => ({ recordings }) as unknown as ParleyApi });
  return { store, calls };
}

describe('recordings store', () => {
  it('when a guild list loads and then updates and deletes arrive, then the list follows them, newest first', async () => {
    const { store } = harness([rec('1'), rec('2', C2)]);
    await store.getState().load({ kind: 'guild', guildId: G });
    expect(store.getState().lists[`guild:${G}`]).toEqual({ status: 'loaded', nextCursor: null });
    expect(recordingsIn(store.getState(), { kind: 'guild', guildId: G }).map((r) => r.id.slice(-1))).toEqual(['2', '1']);
    store.getState().receive(rec('3', C1, { status: 'active' }));
    expect(recordingsIn(store.getState(), { kind: 'channel', guildId: G, channelId: C1 }).map((r) => r.id.slice(-1))).toEqual(['3', '1']);
    store.getState().receiveDelete(rec('1').id);
    expect(recordingsIn(store.getState(), { kind: 'guild', guildId: G }).map((r) => r.id.slice(-1))).toEqual(['3', '2']);
  });

  it('when a guild has more recordings than a page, then "load more" brings the older ones until there are none', async () => {
    const h = harness([rec('1'), rec('2'), rec('3'), rec('4', C2), rec('5')]);
    await h.store.getState().load({ kind: 'guild', guildId: G });
    const shown = () =>
      recordingsIn(h.store.getState(), { kind: 'guild', guildId: G })
        .map((r) => r.id.slice(-1))
        .join('');
    expect(shown()).toBe('54');
    await h.store.getState().loadMore(G);
    expect(shown()).toBe('5432');
    await h.store.getState().loadMore(G);
    expect(shown()).toBe('54321');
    expect(h.store.getState().lists[`guild:${G}`]).toEqual({ status: 'loaded', nextCursor: null });
    await h.store.getState().loadMore(G);
    expect(h.calls).toEqual(['listGuild:', `listGuild:${rec('4').id}`, `listGuild:${rec('2').id}`]);
  });

  it('when a list is reloaded, then recordings deleted meanwhile disappear from it', async () => {
    const h = harness([rec('1')]);
    h.store.getState().receive(rec('5'));
    await h.store.getState().load({ kind: 'channel', guildId: G, channelId: C1 });
    expect(Object.keys(h.store.getState().byId).map((id) => id.slice(-1))).toEqual(['1']);
  });

  it('when starting fails because no recorder is available, then the button says recording is not available here', async () => {
    const { store } = harness([], new ApiError('DEPENDENCY_UNAVAILABLE', 'No recorder is available right now; try again later', 503));
    const pending = store.getState().start(C1);
    expect(store.getState().pending[C1]).toBe('starting');
    const r = await pending;
    expect(r).toMatchObject({ ok: false, code: 'DEPENDENCY_UNAVAILABLE' });
    expect(!r.ok && r.message).toMatch(/^Recording is not available on this server/);
    expect(store.getState().pending[C1]).toBeUndefined();
  });

  it('when start and stop succeed, then the pending state clears and the recording is known', async () => {
    const { store, calls } = harness();
    expect(await store.getState().start(C1)).toEqual({ ok: true, value: undefined });
    const stopping = store.getState().stop(C1, rec('9').id);
    expect(store.getState().pending[C1]).toBe('stopping');
    await stopping;
    expect(store.getState().pending).toEqual({});
    expect(store.getState().byId[rec('9').id]?.status).toBe('stopping');
    expect(calls).toEqual([`start:${C1}`, `stop:${rec('9').id}`]);
  });

  it('when the server refuses, then the words come from the error code', () => {
    expect(recordErrorText(new ApiError('FORBIDDEN', 'Missing permission RECORD', 403))).toBe('You may not record in this channel.');
    expect(recordErrorText(new ApiError('CONFLICT', 'Nobody is in this voice channel', 409))).toBe('Nobody is in this voice channel.');
  });
});

describe('recording formats', () => {
  it('when durations and sizes are shown, then they read as m:ss and KB/MB', () => {
    expect(formatElapsed(0)).toBe('0:00');
    expect(formatElapsed(65_400)).toBe('1:05');
    expect(formatElapsed(3_723_000)).toBe('1:02:03');
    expect(formatSize(null)).toBe('—');
    expect(formatSize(812)).toBe('812 B');
    expect(formatSize(34_200)).toBe('33.4 KB');
    expect(formatSize(2_200_000)).toBe('2.1 MB');
  });
});
