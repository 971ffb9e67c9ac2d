import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/http-client';
import type { ParleyApi } from '../../api/parley-api';
import { createChatStore, PAGE_SIZE } from './chat.store';
import type { ChatMessage } from './message-merge';
import { hex, msg } from './test-fixtures';

const CH = hex(9000);
const GUILD = hex(9001);
const self = { id: hex(1), username: 'alice', displayName: 'Alice', avatar: null };

/** A fake server holding one channel's messages, answering like the real API (newest first). */
function fakeApi(all: ChatMessage[], opts: { failSends?: number } = {}) {
  let failSends = opts.failSends ?? 0;
  let seq = 1000;
  const sent = new Map<string, ChatMessage>();
  const list = vi.fn(async (_c: string, q: { before?: string; after?: string; limit?: number }) => {
    const limit = q.limit ?? 50;
    const sorted = [...all].sort((a, b) => (a.id < b.id ? -1 : 1));
    let page: ChatMessage[];
    if (q.after) page = sorted.filter((m) => m.id > (q.after as string)).slice(0, limit);
    else if (q.before) page = sorted.filter((m) => m.id < (q.before as string)).slice(-limit);
    else page = sorted.slice(-limit);
    return page.reverse();
  });
  const send = vi.fn(async (_c: string, body: { content: string; nonce: string }) => {
    if (failSends > 0) {
      failSends--;
      throw new Error('network down');
    }
    const existing = sent.get(body.nonce);
    if (existing) return existing;
    const m = msg(seq++, { content: body.content, nonce: body.nonce });
    sent.set(body.nonce, m);
    all.push(m);
    return m;
  });
  const api = { messages: { list, send, edit: vi.fn(), remove: vi.fn(), typing: vi.fn() } } as unknown as ParleyApi;
  return { api, list, send, edit: api.messages.edit as ReturnType<typeof vi.fn> };
}

function setup(all: ChatMessage[], opts?: { failSends?: number }) {
  const fake = fakeApi(all, opts);
  let n = 0;
  const store = createChatStore({ api: () => fake.api, self: () => self, newNonce: () => `nonce${++n}` });
  return { store, ...fake };
}

describe('chat store', () => {
  it('when a channel opens, then the newest page is shown oldest-first and older history is marked available', async () => {
    const all = Array.from({ length: 120 }, (_, i) => msg(i + 1));
    const { store } = setup(all);
    await store.getState().loadLatest(CH);
    const c = store.getState().channels[CH];
    expect(c?.messages).toHaveLength(PAGE_SIZE);
    expect(c?.messages[0]?.id).toBe(hex(71));
    expect(c?.hasMoreBefore).toBe(true);
  });

  it('when scrolling up, then older pages are prepended until the start of the channel', async () => {
    const all = Array.from({ length: 120 }, (_, i) => msg(i + 1));
    const { store } = setup(all);
    await store.getState().loadLatest(CH);
    await store.getState().loadOlder(CH);
    await store.getState().loadOlder(CH);
    const c = store.getState().channels[CH];
    expect(c?.messages.map((m) => m.id)).toEqual(all.map((m) => m.id));
    expect(c?.hasMoreBefore).toBe(false);
  });

  it('when the gateway reconnects after messages were posted, then the missed ones are fetched and appear in order', async () => {
    const all = Array.from({ length: 10 }, (_, i) => msg(i + 1));
    const { store } = setup(all);
    await store.getState().loadLatest(CH);
    store.getState().noteDisconnected();
    // While disconnected: 130 messages posted (more than two pages).
    for (let i = 11; i <= 140; i++) all.push(msg(i));
    await store.getState().fillGaps();
    const ids = store.getState().channels[CH]?.messages.map((m) => m.id);
    expect(ids).toEqual(all.map((m) => m.id));
  });

  it('when a live event arrives during a gap fill, then nothing is duplicated', async () => {
    const all = Array.from({ length: 5 }, (_, i) => msg(i + 1));
    const { store } = setup(all);
    await store.getState().loadLatest(CH);
    store.getState().noteDisconnected();
    all.push(msg(6), msg(7));
    store.getState().receive(msg(7));
    await store.getState().fillGaps();
    expect(store.getState().channels[CH]?.messages.map((m) => m.id)).toEqual([1, 2, 3, 4, 5, 6, 7].map(hex));
  });

  it('when sending, then the message shows at once as pending and is replaced by the server copy (same nonce, no duplicate)', async () => {
    const { store, send } = setup([]);
    await store.getState().loadLatest(CH);
    const p = store.getState().send(CH, GUILD, 'hello');
    expect(store.getState().channels[CH]?.messages[0]).toMatchObject({ content: 'hello', sendState: 'sending', nonce: 'nonce1' });
    await p;
    // The gateway echo arrives too.
    store.getState().receive(msg(1000, { content: 'hello', nonce: 'nonce1' }));
    const list = store.getState().channels[CH]?.messages ?? [];
    expect(list).toHaveLength(1);
    expect(list[0]?.sendState).toBeUndefined();
    expect(send).toHaveBeenCalledWith(CH, { content: 'hello', nonce: 'nonce1' });
  });

  it('when a send fails, then it is marked failed and a retry re-sends with the same nonce', async () => {
    const { store, send } = setup([], { failSends: 1 });
    await store.getState().loadLatest(CH);
    await store.getState().send(CH, GUILD, 'flaky');
    expect(store.getState().channels[CH]?.messages[0]?.sendState).toBe('failed');
    await store.getState().retry(CH, 'nonce1');
    const list = store.getState().channels[CH]?.messages ?? [];
    expect(list).toHaveLength(1);
    expect(list[0]?.sendState).toBeUndefined();
    expect(send.mock.calls.map((c) => c[1].nonce)).toEqual(['nonce1', 'nonce1']);
  });

  it('when someone types, then they are listed until the indicator expires; my own typing is ignored', () => {
    const { store } = setup([]);
    store.getState().setTyping(CH, hex(2), 5000);
    store.getState().setTyping(CH, self.id, 5000);
    expect(Object.keys(store.getState().typing[CH] ?? {})).toEqual([hex(2)]);
    store.getState().receive(msg(1, { author: { id: hex(2), username: 'bob', displayName: 'Bob', avatar: null } }));
    expect(store.getState().typing[CH]?.[hex(2)]).toBeUndefined();
  });

  it('when an edit is refused, then edit answers why and the channel keeps its messages and no error', async () => {
    const { store, edit } = setup([msg(1)]);
    await store.getState().loadLatest(CH);
    edit.mockRejectedValueOnce(new ApiError('FORBIDDEN', 'Not your message', 403));
    expect(await store.getState().edit(CH, hex(1), 'changed')).toEqual({
      ok: false,
      code: 'FORBIDDEN',
      message: "You don't have permission to do that.",
    });
    expect(store.getState().channels[CH]?.error).toBeNull();
    expect(store.getState().channels[CH]?.messages.map((m) => m.content)).toEqual([msg(1).content]);
  });
});

describe('chat store: a channel whose first page fails', () => {
  const unavailable = () => new ApiError('DEPENDENCY_UNAVAILABLE', 'database timeout', 503, { retryAfterSeconds: 5 });

  function flaky(failures: number, err: () => Error) {
    const all = Array.from({ length: 10 }, (_, i) => msg(i + 1));
    const fake = fakeApi(all);
    const real = fake.list.getMockImplementation()!;
    let left = failures;
    fake.list.mockImplementation(async (c, q) => {
      if (left > 0) {
        left--;
        throw err();
      }
      return real(c, q);
    });
    const timers: { fn: () => void; ms: number }[] = [];
    const store = createChatStore({ api: () => fake.api, self: () => self, later: (fn, ms) => timers.push({ fn, ms }) });
    const fire = async () => {
      const t = timers.shift();
      t?.fn();
      await vi.waitFor(() => expect(store.getState().channels[CH]?.loadingBefore).toBe(false));
      return t?.ms;
    };
    return { store, timers, fire, list: fake.list };
  }

  it('when the server answers 503, then the page is asked again after its Retry-After and shows once it loads', async () => {
    const { store, timers, fire, list } = flaky(2, unavailable);
    await store.getState().loadLatest(CH);
    expect(store.getState().channels[CH]?.error).toMatch(/temporarily unavailable/);
    expect(timers.map((t) => t.ms)).toEqual([5000]);
    expect(await fire()).toBe(5000);
    expect(await fire()).toBe(5000);
    const c = store.getState().channels[CH];
    expect(c?.loaded).toBe(true);
    expect(c?.error).toBeNull();
    expect(c?.messages).toHaveLength(10);
    expect(list).toHaveBeenCalledTimes(3);
    expect(timers).toHaveLength(0);
  });

  it('when the connection drops, then it backs off 1, 2, 4, 8 s and then leaves the error up', async () => {
    const { store, timers, fire } = flaky(100, () => new ApiError('NETWORK', 'offline', 0));
    await store.getState().loadLatest(CH);
    const waits: (number | undefined)[] = [];
    while (timers.length > 0) waits.push(await fire());
    expect(waits).toEqual([1000, 2000, 4000, 8000]);
    expect(store.getState().channels[CH]?.loaded).toBe(false);
    expect(store.getState().channels[CH]?.error).toMatch(/Can't reach the server/);
  });

  it('when the failure is not transient (403), then nothing is retried', async () => {
    const { store, timers } = flaky(1, () => new ApiError('FORBIDDEN', 'no', 403));
    await store.getState().loadLatest(CH);
    expect(timers).toHaveLength(0);
    expect(store.getState().channels[CH]?.error).toMatch(/permission/);
  });

  it('when the channel is opened again while its first page is on the way, then it is asked only once', async () => {
    const all = Array.from({ length: 3 }, (_, i) => msg(i + 1));
    const { store, list } = setup(all);
    await Promise.all([store.getState().loadLatest(CH), store.getState().loadLatest(CH)]);
    expect(list).toHaveBeenCalledTimes(1);
    expect(store.getState().channels[CH]?.messages).toHaveLength(3);
  });
});

describe('chat store: an older page that fails', () => {
  it('when a later attempt succeeds, then the error goes away', async () => {
    const all = Array.from({ length: 120 }, (_, i) => msg(i + 1));
    const { store, list } = setup(all);
    await store.getState().loadLatest(CH);
    const real = list.getMockImplementation()!;
    list.mockImplementationOnce(async () => {
      throw new ApiError('DEPENDENCY_UNAVAILABLE', 'timeout', 503);
    });
    await store.getState().loadOlder(CH);
    expect(store.getState().channels[CH]?.error).toMatch(/temporarily unavailable/);
    list.mockImplementation(real);
    await store.getState().loadOlder(CH);
    expect(store.getState().channels[CH]?.error).toBeNull();
    expect(store.getState().channels[CH]?.messages).toHaveLength(100);
  });
});
