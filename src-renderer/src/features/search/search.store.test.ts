import type { Message } from '@shared/api/messages';
import { describe, expect, it } from 'vitest';
import type { SearchParams } from '../../api/parley-api';
import { createSearchStore } from './search.store';

const GUILD = 'a'.repeat(24);
const msg = (id: string) => ({ id, channelId: 'c'.repeat(24) }) as Message;

/** A fake search API whose answers the test releases one by one, in any order. */
function fakeApi() {
  const calls: {
    query: SearchParams;
    resolve: (page: { items: Message[]; total: number; nextCursor: string | null }) => void;
    reject: (e: unknown) => void;
  }[] = [];
  const api = {
    messages: {
      search: (_guildId: string, query: SearchParams) =>
        new Promise<{ items: Message[]; total: number; nextCursor: string | null }>((resolve, reject) =>
          calls.push({ query, resolve, reject }),
        ),
    },
  };
  return { calls, api: () => api as never };
}

describe('search store', () => {
  it('when a slower, older search answers after a newer one, then the newer results stay', async () => {
    const f = fakeApi();
    const store = createSearchStore({ api: f.api });
    const first = store.getState().run(GUILD, { q: 'old' }, ['old']);
    const second = store.getState().run(GUILD, { q: 'new' }, ['new']);
    f.calls[1]!.resolve({ items: [msg('2'.repeat(24))], total: 1, nextCursor: null });
    await second;
    f.calls[0]!.resolve({ items: [msg('1'.repeat(24))], total: 1, nextCursor: null });
    await first;
    expect(store.getState().items.map((m) => m.id)).toEqual(['2'.repeat(24)]);
    expect(store.getState().terms).toEqual(['new']);
  });

  it('when "Load more" runs, then it asks from the cursor with the same query and appends', async () => {
    const f = fakeApi();
    const store = createSearchStore({ api: f.api });
    const run = store.getState().run(GUILD, { q: 'x', authorId: 'b'.repeat(24) }, ['x']);
    f.calls[0]!.resolve({ items: [msg('3'.repeat(24))], total: 2, nextCursor: '3'.repeat(24) });
    await run;
    const more = store.getState().more();
    expect(f.calls[1]!.query).toEqual({ q: 'x', authorId: 'b'.repeat(24), cursor: '3'.repeat(24) });
    f.calls[1]!.resolve({ items: [msg('1'.repeat(24))], total: 2, nextCursor: null });
    await more;
    expect(store.getState().items.map((m) => m.id)).toEqual(['3'.repeat(24), '1'.repeat(24)]);
    expect(store.getState().nextCursor).toBeNull();
  });

  it('when a result asks for a jump, then only the list of that channel takes it, once', () => {
    const store = createSearchStore({ api: fakeApi().api });
    store.getState().requestJump('c'.repeat(24), '9'.repeat(24));
    expect(store.getState().takeJump('d'.repeat(24))).toBeNull();
    expect(store.getState().takeJump('c'.repeat(24))).toBe('9'.repeat(24));
    expect(store.getState().takeJump('c'.repeat(24))).toBeNull();
  });
});
