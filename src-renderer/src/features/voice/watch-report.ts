/**
 * Keeps the server's list of the streams I watch (my voice state's `watching`, which streamers' viewer counts come
 * from) equal to what I watch. One report at a time, the latest wish sent; one that failed for want of a network or
 * of the write budget (429) is retried, later each time. The server's word is the latest it gave: my own voice state
 * from the gateway, which also says when a new session started with nothing watched (a reconnect) or that I am in no
 * voice channel, or the answer to a report when the gateway said nothing meanwhile.
 */
export interface WatchReportDeps {
  /** What I watch now, or null when there is nothing to report (not in a voice channel). */
  desired(): readonly string[] | null;
  /** Stores the list; resolves with what the server kept. */
  send(watching: string[]): Promise<readonly string[]>;
  /** Worth trying again later; by default an error without an HTTP status (no network), a 429 or a 5xx. */
  retriable?(err: unknown): boolean;
  /** The first retry's delay; each next one doubles it, up to a minute. */
  retryMs?: number;
}

export interface WatchReport {
  /** Compares the wish with the server's word and reports when they differ. Call on any change of either. */
  sync(): void;
  /** My voice state's `watching` as the gateway shows it; null while the server has me in no voice channel. */
  serverSays(watching: readonly string[] | null): void;
  /** Forgets the server's word and any retry (the controller stopped); sync() works again once the server speaks. */
  reset(): void;
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((id) => b.includes(id));
const MAX_RETRY_MS = 60_000;

/** The API client's errors carry the HTTP status; a 4xx other than 429 (a server that does not know the field) won't pass later either. */
function retriableByDefault(err: unknown): boolean {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status !== 'number' || status === 429 || status >= 500;
}

export function createWatchReport(deps: WatchReportDeps): WatchReport {
  const firstRetryMs = deps.retryMs ?? 3_000;
  const retriable = deps.retriable ?? retriableByDefault;
  let server: readonly string[] | null = null;
  // A list the server did not keep as sent (it refused it, or kept another: my session had just ended): not sent again
  // until the wish changes or the gateway shows something else, or it would go in a loop.
  let refused: readonly string[] | null = null;
  let inFlight = false;
  // Bumped by every word from the gateway: an answer to a report sent before it is older news than that word.
  let heard = 0;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let retryMs = firstRetryMs;

  function sync(): void {
    if (inFlight || retry) return;
    const want = deps.desired();
    // Until the server shows my session, a report would not be kept (it keeps none outside voice).
    if (want === null || server === null || sameSet(want, server) || (refused && sameSet(want, refused))) return;
    inFlight = true;
    const sent = [...want];
    const asked = heard;
    deps.send(sent).then(
      (kept) => {
        inFlight = false;
        retryMs = firstRetryMs;
        if (heard === asked) server = kept;
        refused = sameSet(kept, sent) ? null : sent;
        sync();
      },
      (err: unknown) => {
        inFlight = false;
        if (!retriable(err)) {
          refused = sent;
          return;
        }
        retry = setTimeout(() => {
          retry = null;
          sync();
        }, retryMs);
        retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
      },
    );
  }

  return {
    sync,
    serverSays(watching) {
      heard += 1;
      // Only a change is news worth a new try of a refused list: the same word again (the echo of that report, or of
      // a mute) is not.
      const same = server === null || watching === null ? server === watching : sameSet(server, watching);
      if (!same) refused = null;
      server = watching;
      sync();
    },
    reset() {
      if (retry) clearTimeout(retry);
      retry = null;
      retryMs = firstRetryMs;
      server = null;
      refused = null;
      heard += 1;
    },
  };
}
