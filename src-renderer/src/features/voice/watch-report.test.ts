import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWatchReport } from './watch-report';

/** A server that answers when told to, keeping what it is sent (or refusing: keeping `keeps`). */
function fakeServer() {
  const calls: { sent: string[]; answer(kept?: readonly string[]): Promise<void>; fail(): Promise<void> }[] = [];
  const send = vi.fn(
    (sent: string[]) =>
      new Promise<readonly string[]>((resolve, reject) => {
        calls.push({
          sent,
          answer: async (kept = sent) => {
            resolve(kept);
            await Promise.resolve();
          },
          fail: async () => {
            reject(new Error('429'));
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

  it('when a report fails (429, network), then it is retried later, with the wish as it is then', async () => {
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
    report.stop();
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

  it('when the server keeps something else (my session had just ended), then the list is not resent until the gateway speaks', async () => {
    const server = fakeServer();
    const report = createWatchReport({ desired: () => ['ann'], send: server.send });
    report.serverSays([]);
    await server.calls[0]!.answer([]);
    report.sync();
    expect(server.calls).toHaveLength(1);
    report.serverSays([]);
    expect(server.calls).toHaveLength(2);
  });
});
