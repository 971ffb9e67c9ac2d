import type { Recording, RecordingSettings } from '@shared/api/recordings';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { ApiError, describeError } from '../../api/http-client';
import type { ParleyApi } from '../../api/parley-api';
import { failure, ok, type Result } from '../../api/result';

/** What a recordings list shows: one guild's, or one channel's. */
export type RecordingScope = { kind: 'guild'; guildId: string } | { kind: 'channel'; guildId: string; channelId: string };

export const scopeKey = (s: RecordingScope): string => (s.kind === 'guild' ? `guild:${s.guildId}` : `channel:${s.channelId}`);

export interface RecordingsState {
  /** Every recording this client knows, by id (lists, start/stop answers and RECORDING_UPDATE events). */
  byId: Record<string, Recording>;
  /** Lists fetched so far (scopeKey → state): a list shows only after its first load. */
  lists: Record<string, { status: 'loading' } | { status: 'loaded'; nextCursor: string | null } | { status: 'error'; error: string }>;
  /** The record button's request in flight, per voice channel. */
  pending: Record<string, 'starting' | 'stopping'>;
  /** Retention per guild, once loaded (MANAGE_GUILD only). */
  settings: Record<string, RecordingSettings>;
}

export interface RecordingsActions {
  load(scope: RecordingScope): Promise<void>;
  /** The next (older) page of a guild's list, when the server said there is one. */
  loadMore(guildId: string): Promise<void>;
  start(channelId: string): Promise<Result>;
  stop(channelId: string, recordingId: string): Promise<Result>;
  remove(recordingId: string): Promise<Result>;
  fileUrl(recordingId: string, download?: boolean): Promise<Result<string>>;
  loadSettings(guildId: string): Promise<Result>;
  saveRetention(guildId: string, retentionDays: number | null): Promise<Result>;
  /** RECORDING_UPDATE */
  receive(recording: Recording): void;
  /** RECORDING_DELETE */
  receiveDelete(recordingId: string): void;
  reset(): void;
}

export type RecordingsStore = StoreApi<RecordingsState & RecordingsActions>;

/** Start/stop failures in the words the record button shows; the server's code decides (not its message). */
export function recordErrorText(err: unknown): string {
  if (err instanceof ApiError) {
    // No Egress worker took the job, or Egress is not set up at all: the server answers 503 DEPENDENCY_UNAVAILABLE.
    if (err.code === 'DEPENDENCY_UNAVAILABLE') return `Recording is not available on this server (${err.message.replace(/\.$/, '')}).`;
    if (err.code === 'FORBIDDEN') return 'You may not record in this channel.';
    // "Nobody is in this voice channel" / "This channel is already being recorded": the server's words say it best.
    if (err.code === 'CONFLICT') return `${err.message.replace(/\.$/, '')}.`;
  }
  return describeError(err);
}

/** A second press while the first start or stop is on its way. */
const BUSY = { ok: false, code: 'IN_PROGRESS', message: 'Already in progress.' } as const;

/** Newest first, as the server lists them (ids are time-ordered). */
export function newestFirst(a: Recording, b: Recording): number {
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

const inScope = (r: Recording, scope: RecordingScope): boolean =>
  scope.kind === 'guild' ? r.guildId === scope.guildId : r.channelId === scope.channelId;

/** The recordings a list shows, from what the store knows. */
export function recordingsIn(s: Pick<RecordingsState, 'byId'>, scope: RecordingScope): Recording[] {
  return Object.values(s.byId)
    .filter((r) => inScope(r, scope))
    .sort(newestFirst);
}

/**
 * Recordings: the lists (guild and channel), the record button's start/stop, deletion, retention and file URLs.
 * Actions return results; the gateway's RECORDING_UPDATE / RECORDING_DELETE keep every open list current.
 */
export function createRecordingsStore(deps: { api: () => ParleyApi }): RecordingsStore {
  const put = (byId: Record<string, Recording>, items: Recording[]) => {
    const next = { ...byId };
    for (const r of items) next[r.id] = r;
    return next;
  };
  const without = <T>(rec: Record<string, T>, key: string): Record<string, T> => {
    const next = { ...rec };
    delete next[key];
    return next;
  };

  return createStore<RecordingsState & RecordingsActions>()((set, get) => ({
    byId: {},
    lists: {},
    pending: {},
    settings: {},

    async load(scope) {
      const key = scopeKey(scope);
      set((s) => ({ lists: { ...s.lists, [key]: s.lists[key]?.status === 'loaded' ? s.lists[key] : { status: 'loading' } } }));
      try {
        const { items, nextCursor } =
          scope.kind === 'guild'
            ? await deps.api().recordings.listGuild(scope.guildId)
            : { items: await deps.api().recordings.listChannel(scope.channelId), nextCursor: null };
        // A fresh list replaces what we knew of that scope (deletions we missed while it was closed go away).
        set((s) => {
          const kept = Object.fromEntries(Object.entries(s.byId).filter(([, r]) => !inScope(r, scope)));
          return { byId: put(kept, items), lists: { ...s.lists, [key]: { status: 'loaded', nextCursor } } };
        });
      } catch (err) {
        set((s) => ({ lists: { ...s.lists, [key]: { status: 'error', error: describeError(err) } } }));
      }
    },

    async loadMore(guildId) {
      const key = scopeKey({ kind: 'guild', guildId });
      const list = get().lists[key];
      if (list?.status !== 'loaded' || !list.nextCursor) return;
      try {
        const page = await deps.api().recordings.listGuild(guildId, list.nextCursor);
        set((s) => ({ byId: put(s.byId, page.items), lists: { ...s.lists, [key]: { status: 'loaded', nextCursor: page.nextCursor } } }));
      } catch (err) {
        set((s) => ({ lists: { ...s.lists, [key]: { status: 'error', error: describeError(err) } } }));
      }
    },

    async start(channelId) {
      if (get().pending[channelId]) return BUSY;
      set((s) => ({ pending: { ...s.pending, [channelId]: 'starting' } }));
      try {
        const rec = await deps.api().recordings.start(channelId);
        set((s) => ({ byId: put(s.byId, [rec]) }));
        return ok(undefined);
      } catch (err) {
        return { ...failure(err), message: recordErrorText(err) };
      } finally {
        set((s) => ({ pending: without(s.pending, channelId) }));
      }
    },

    async stop(channelId, recordingId) {
      if (get().pending[channelId]) return BUSY;
      set((s) => ({ pending: { ...s.pending, [channelId]: 'stopping' } }));
      try {
        const rec = await deps.api().recordings.stop(channelId, recordingId);
        set((s) => ({ byId: put(s.byId, [rec]) }));
        return ok(undefined);
      } catch (err) {
        return { ...failure(err), message: recordErrorText(err) };
      } finally {
        set((s) => ({ pending: without(s.pending, channelId) }));
      }
    },

    async remove(recordingId) {
      try {
        await deps.api().recordings.remove(recordingId);
        get().receiveDelete(recordingId);
        return ok(undefined);
      } catch (err) {
        return failure(err);
      }
    },

    async fileUrl(recordingId, download = false) {
      try {
        return ok(await deps.api().recordings.fileUrl(recordingId, download));
      } catch (err) {
        return failure(err);
      }
    },

    async loadSettings(guildId) {
      try {
        const settings = await deps.api().recordings.settings(guildId);
        set((s) => ({ settings: { ...s.settings, [guildId]: settings } }));
        return ok(undefined);
      } catch (err) {
        return failure(err);
      }
    },

    async saveRetention(guildId, retentionDays) {
      try {
        const settings = await deps.api().recordings.updateSettings(guildId, { retentionDays });
        set((s) => ({ settings: { ...s.settings, [guildId]: settings } }));
        return ok(undefined);
      } catch (err) {
        return failure(err);
      }
    },

    receive(recording) {
      set((s) => ({ byId: put(s.byId, [recording]) }));
    },

    receiveDelete(recordingId) {
      if (get().byId[recordingId]) set((s) => ({ byId: without(s.byId, recordingId) }));
    },

    reset() {
      set({ byId: {}, lists: {}, pending: {}, settings: {} });
    },
  }));
}
