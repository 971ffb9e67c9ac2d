/**
 * Keeps the server's list of the streams I watch (my voice state's `watching`, which streamers' viewer counts come
 * from) equal to what I watch. One report at a time, the latest wish sent; a failed one (network, 429) is retried.
 * The server's word is the last it gave: the answer to a report, or my own voice state from the gateway, which
 * also says when a new session started with nothing watched (a reconnect) or when I am in no voice channel.
 */
export interface WatchReportDeps {
  /** What I watch now, or null when there is nothing to report (not in a voice channel). */
  desired(): readonly string[] | null;
  /** Stores the list; resolves with what the server kept. */
  send(watching: string[]): Promise<readonly string[]>;
  retryMs?: number;
}

export interface WatchReport {
  /** Compares the wish with the server's word and reports when they differ. Call on any change of either. */
  sync(): void;
  /** My voice state's `watching` as the gateway shows it; null while the server has me in no voice channel. */
  serverSays(watching: readonly string[] | null): void;
  stop(): void;
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((id) => b.includes(id));

export function createWatchReport(deps: WatchReportDeps): WatchReport {
  const retryMs = deps.retryMs ?? 3_000;
  let server: readonly string[] | null = null;
  // A list the server answered with something else (it had just ended my session): not sent again until the gateway
  // speaks, or it would be sent in a loop.
  let refused: readonly string[] | null = null;
  let inFlight = false;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;

  function sync(): void {
    if (stopped || inFlight || retry) return;
    const want = deps.desired();
    // Until the server shows my session, a report would not be kept (it keeps none outside voice).
    if (want === null || server === null || sameSet(want, server) || (refused && sameSet(want, refused))) return;
    inFlight = true;
    const sent = [...want];
    deps.send(sent).then(
      (kept) => {
        inFlight = false;
        server = kept;
        refused = sameSet(kept, sent) ? null : sent;
        sync();
      },
      () => {
        inFlight = false;
        retry = setTimeout(() => {
          retry = null;
          sync();
        }, retryMs);
      },
    );
  }

  return {
    sync,
    serverSays(watching) {
      server = watching;
      refused = null;
      sync();
    },
    stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
    },
  };
}
