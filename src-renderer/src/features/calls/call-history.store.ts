import type { CallHistoryEntry } from '@shared/api/calls';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { attempt, type Result } from '../../api/result';

export { formatDuration } from './call-names';

/**
 * My call history, newest first, a page at a time (GET /users/@me/call-history). CALL_HISTORY_ADD puts a call that
 * just ended on top once the list is loaded; opening the view acknowledges the missed calls (the badge clears in all
 * my sessions through MISSED_CALLS_UPDATE) while the entries stay marked for this visit, so the user sees which ones
 * were new.
 */
export interface CallHistoryState {
  items: CallHistoryEntry[];
  /** `before` for the next page; null when the last page is loaded. */
  nextCursor: string | null;
  loaded: boolean;
  loading: boolean;
  error: string | null;
  /** The history is what Home shows (instead of the friends page or a DM). */
  open: boolean;
}

export interface CallHistoryActions {
  show(): void;
  hide(): void;
  /** The first page (again). */
  load(): Promise<void>;
  loadMore(): Promise<void>;
  receive(entry: CallHistoryEntry): void;
  /** I have seen my missed calls. */
  ack(): Promise<Result<unknown>>;
  reset(): void;
}

export type CallHistoryStore = StoreApi<CallHistoryState & CallHistoryActions>;

export const HISTORY_PAGE = 30;

export function createCallHistoryStore(deps: {
  api: () => {
    calls: {
      history(before?: string, limit?: number): Promise<{ items: CallHistoryEntry[]; nextCursor: string | null }>;
      ackMissed(): Promise<unknown>;
    };
  };
}): CallHistoryStore {
  const initial: CallHistoryState = { items: [], nextCursor: null, loaded: false, loading: false, error: null, open: false };
  /** A reset or a newer load makes an older answer stale. */
  let generation = 0;
  return createStore<CallHistoryState & CallHistoryActions>()((set, get) => {
    async function fetchPage(before: string | undefined): Promise<void> {
      const gen = ++generation;
      set({ loading: true, error: null });
      const res = await attempt(() => deps.api().calls.history(before, HISTORY_PAGE));
      if (gen !== generation) return;
      if (!res.ok) {
        set({ loading: false, error: res.message });
        return;
      }
      const known = before ? get().items : [];
      const seen = new Set(known.map((e) => e.callId));
      set({
        items: [...known, ...res.value.items.filter((e) => !seen.has(e.callId))],
        nextCursor: res.value.nextCursor,
        loaded: true,
        loading: false,
      });
    }
    return {
      ...initial,
      show() {
        if (!get().open) set({ open: true });
      },
      hide() {
        if (get().open) set({ open: false });
      },
      load: () => fetchPage(undefined),
      async loadMore() {
        const { nextCursor, loading } = get();
        if (!nextCursor || loading) return;
        await fetchPage(nextCursor);
      },
      receive(entry) {
        if (!get().loaded) return;
        set({ items: [entry, ...get().items.filter((e) => e.callId !== entry.callId)] });
      },
      ack: () => attempt(() => deps.api().calls.ackMissed()),
      reset() {
        generation++;
        set({ ...initial, open: get().open });
      },
    };
  });
}

/** How the list says a call went, from my side. */
export function outcomeLabel(e: Pick<CallHistoryEntry, 'outcome' | 'direction'>): string {
  switch (e.outcome) {
    case 'answered':
      return e.direction === 'outgoing' ? 'Outgoing call' : 'Incoming call';
    case 'missed':
      return e.direction === 'outgoing' ? 'No answer' : 'Missed call';
    case 'declined':
      return e.direction === 'outgoing' ? 'Declined' : 'You declined';
    case 'cancelled':
      return e.direction === 'outgoing' ? 'Cancelled' : 'Caller hung up';
    case 'failed':
      return 'Call failed';
  }
}
