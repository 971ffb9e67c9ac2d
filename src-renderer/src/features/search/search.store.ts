import type { Message } from '@shared/api/messages';
import { createStore } from 'zustand/vanilla';
import { describeError } from '../../api/http-client';
import type { ParleyApi, SearchParams } from '../../api/parley-api';

/**
 * One guild search at a time: what was asked, the pages found so far, and the message a result asked the channel's
 * list to jump to. The panel shows it; the header box starts it; MessageList performs the jump.
 */
export interface SearchState {
  guildId: string | null;
  /** The query as sent (operators resolved), for "Load more". */
  query: SearchParams | null;
  /** The words to highlight in results. */
  terms: string[];
  items: Message[];
  total: number;
  nextCursor: string | null;
  status: 'idle' | 'loading' | 'done' | 'error';
  error: string | null;
  /** Set by a result, taken by the list of that channel once it has loaded. */
  jump: { channelId: string; messageId: string } | null;
}

export interface SearchActions {
  run(guildId: string, query: SearchParams, terms: string[]): Promise<void>;
  more(): Promise<void>;
  /** The box had operators that did not resolve: show why instead of searching. */
  fail(guildId: string, error: string): void;
  close(): void;
  requestJump(channelId: string, messageId: string): void;
  takeJump(channelId: string): string | null;
}

const IDLE: Omit<SearchState, 'jump'> = {
  guildId: null,
  query: null,
  terms: [],
  items: [],
  total: 0,
  nextCursor: null,
  status: 'idle',
  error: null,
};

export function createSearchStore(deps: { api: () => Pick<ParleyApi, 'messages'> }) {
  return createStore<SearchState & SearchActions>()((set, get) => {
    /** Only the newest search may write its answer (an older, slower one would overwrite it). */
    let generation = 0;
    return {
      ...IDLE,
      jump: null,
      async run(guildId, query, terms) {
        const mine = ++generation;
        set({ ...IDLE, guildId, query, terms, status: 'loading' });
        try {
          const page = await deps.api().messages.search(guildId, query);
          if (mine !== generation) return;
          set({ items: page.items, total: page.total, nextCursor: page.nextCursor, status: 'done' });
        } catch (err) {
          if (mine === generation) set({ status: 'error', error: describeError(err) });
        }
      },
      async more() {
        const { guildId, query, nextCursor, status } = get();
        if (!guildId || !query || !nextCursor || status === 'loading') return;
        const mine = generation;
        set({ status: 'loading' });
        try {
          const page = await deps.api().messages.search(guildId, { ...query, cursor: nextCursor });
          if (mine !== generation) return;
          set((s) => ({ items: [...s.items, ...page.items], total: page.total, nextCursor: page.nextCursor, status: 'done' }));
        } catch (err) {
          if (mine === generation) set({ status: 'error', error: describeError(err) });
        }
      },
      fail(guildId, error) {
        generation += 1;
        set({ ...IDLE, guildId, status: 'error', error });
      },
      close() {
        generation += 1;
        set({ ...IDLE });
      },
      requestJump(channelId, messageId) {
        set({ jump: { channelId, messageId } });
      },
      takeJump(channelId) {
        const j = get().jump;
        if (!j || j.channelId !== channelId) return null;
        set({ jump: null });
        return j.messageId;
      },
    };
  });
}
export type SearchStore = ReturnType<typeof createSearchStore>;
