import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWatchReport } from './watch-report';

/** A server that answers when told to: keeping what it is sent, or the list `answer` is given, or failing with a status. */
function fakeServer() {
  const calls: { sent: string[]; answer(kept?: readonly string[]): Promise<void>; fail(status?: number): Promise<void> }[] = [];
  const send = vi.fn(
    (sent: string[]) =>
      new Promise<readonly string[]>((resolve, reject) => {
        calls.push({
          sent,
          answer: async (kept = sent) => {
            resolve(kept);
            await Promise.resolve();
          },
          fail: async (status?: number) => {
            reject(Object.assign(new Error('refused'), status === undefined ? {} : { status }));
            await Promise.resolve();
          },
        });
      }),
  );
  return { calls, send };
}

describe('watch report', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('when I watch before the server shows my session, then it reports once the session shows, and not again while the lists agree', async () => {
    let wish: string[] | null = ['ann'];
    const server = fakeServer();
    const report = createWatchReport({ desired: () => wish, send: server.send });
    report.sync();
    expect(server.send).not.toHaveBeenCalled();
    report.serverSays([]);
    expect(server.calls.map((c) => c.sent)).toEqual([['ann']]);
    await server.calls[0]!.answer();
    report.serverSays(['ann']);
    report.sync();
    expect(server.send).toHaveBeenCalledTimes(1);
    wish = null;
    report.serverSays(null);
    expect(server.send).toHaveBeenCalledTimes(1);
  });

  it('when I toggle while a report is in flight, then one report goes at a time and the last wish is what the server ends with', async () => {
    let wish: string[] = ['ann'];
    const server = fakeServer();
    const report = createWatchReport({ desired: () => wish, send: server.send });
    report.serverSays([]);
    wish = [];
    report.sync();
    wish = ['ann', 'ben'];
    report.sync();
    expect(server.calls).toHaveLength(1);
    await server.calls[0]!.answer();
    expect(server.calls.map((c) => c.sent)).toEqual([['ann'], ['ann', 'ben']]);
    await server.calls[1]!.answer();
    expect(server.calls).toHaveLength(2);
  });

  it('when a report fails (no network, 429), then it is retried later, each time later, with the wish as it is then', async () => {
    let wish = ['ann'];
    const server = fakeServer();
    const report = createWatchReport({ desired: () => wish, send: server.send, retryMs: 1_000 });
    report.serverSays([]);
    await server.calls[0]!.fail();
    report.sync();
    expect(server.calls).toHaveLength(1);
    wish = ['ben'];
    await vi.advanceTimersByTimeAsync(1_000);
    expect(server.calls.map((c) => c.sent)).toEqual([['ann'], ['ben']]);
    await server.calls[1]!.fail(429);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(server.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.calls).toHaveLength(3);
    // Stopped (reset): a pending retry goes with it.
    await server.calls[2]!.fail(503);
    report.reset();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.calls).toHaveLength(3);
  });

  it('when the server refuses the list (a 400 from a server without the field), then it is not sent again until the wish changes', async () => {
    let wish = ['ann'];
    const server = fakeServer();
    const report = createWatchReport({ desired: () => wish, send: server.send, retryMs: 1_000 });
    report.serverSays([]);
    await server.calls[0]!.fail(400);
    await vi.advanceTimersByTimeAsync(60_000);
    report.serverSays([]);
    report.sync();
    expect(server.calls).toHaveLength(1);
    wish = ['ann', 'ben'];
    report.sync();
    expect(server.calls).toHaveLength(2);
  });

  it('when the server keeps less than sent and its gateway echo says so, then nothing is resent (no loop)', async () => {
    const server = fakeServer();
    const report = createWatchReport({ desired: () => ['ann', 'me'], send: server.send });
    report.serverSays([]);
    await server.calls[0]!.answer(['ann']);
    report.serverSays(['ann']);
    report.serverSays(['ann']);
    expect(server.calls).toHaveLength(1);
    // A new session (the gateway shows another list) is worth one new try.
    report.serverSays([]);
    expect(server.calls).toHaveLength(2);
  });

  it("when the gateway speaks while a report is in flight, then the report's late answer does not overwrite it", async () => {
    const server = fakeServer();
    const report = createWatchReport({ desired: () => ['ann'], send: server.send });
    report.serverSays([]);
    // A reconnect: the new session starts with nothing watched, shown before the old report's answer arrives.
    report.serverSays([]);
    await server.calls[0]!.answer(['ann']);
    expect(server.calls.map((c) => c.sent)).toEqual([['ann'], ['ann']]);
  });

  it('when a new session starts with nothing watched (a reconnect), then the list is sent again', async () => {
    const server = fakeServer();
    const report = createWatchReport({ desired: () => ['ann'], send: server.send });
    report.serverSays([]);
    await server.calls[0]!.answer();
    report.serverSays(['ann']);
    report.serverSays([]);
    expect(server.calls).toHaveLength(2);
  });

  it('when the server keeps something else (my session had just ended), then the list is not resent until the gateway shows a change', async () => {
    const server = fakeServer();
    const report = createWatchReport({ desired: () => ['ann'], send: server.send });
    report.serverSays([]);
    await server.calls[0]!.answer([]);
    report.sync();
    report.serverSays([]);
    expect(server.calls).toHaveLength(1);
    // The gateway: I left (nothing to report), then a new session with nothing watched.
    report.serverSays(null);
    expect(server.calls).toHaveLength(1);
    report.serverSays([]);
    expect(server.calls).toHaveLength(2);
  });
});
