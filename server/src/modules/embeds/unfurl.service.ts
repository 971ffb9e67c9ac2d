import type { Embed } from '@shared/api/messages';
import type { Clock } from '../../clock';
import type { Logger } from '../../logger';
import type { LinkPreviewsRepo } from './link-previews.repo';
import { parsePageCard } from './og-parse';
import { FetchRefused, type SafeFetcher } from './safe-fetch';

/** A preview is reused this long before its page is fetched again. */
export const PREVIEW_TTL_MS = 6 * 60 * 60 * 1000;
/** A failed fetch (refused, dead host, no card) is remembered this long, so a message storm does not hammer a host. */
export const FAILURE_TTL_MS = 10 * 60 * 1000;
/** Pages fetched at once by one instance; more wait their turn. */
export const MAX_CONCURRENT_FETCHES = 8;
/** Fetches waiting for a turn at most; beyond that a link gets no preview (and nothing is cached for it). */
export const MAX_WAITING_FETCHES = 100;

export type UnfurlService = ReturnType<typeof createUnfurlService>;

/**
 * Link previews through the `link_previews` cache: a fresh cached result (embed or failure) is used as it is,
 * otherwise the page is fetched by the guarded fetcher and parsed. Fetches of one URL on this instance share one
 * promise, so a link posted in many messages at once is fetched once.
 */
export function createUnfurlService(deps: { repo: LinkPreviewsRepo; fetcher: SafeFetcher; clock: Clock; log: Logger }) {
  const { repo, fetcher, clock, log } = deps;
  const inFlight = new Map<string, Promise<Embed | null>>();
  let active = 0;
  const waiting: (() => void)[] = [];

  /** Runs `fn` when fewer than MAX_CONCURRENT_FETCHES run; null at once when too many already wait. */
  async function withSlot<T>(fn: () => Promise<T>): Promise<T | null> {
    if (active >= MAX_CONCURRENT_FETCHES) {
      if (waiting.length >= MAX_WAITING_FETCHES) return null;
      await new Promise<void>((resolve) => waiting.push(resolve));
    } else active++;
    try {
      return await fn();
    } finally {
      // The slot passes straight to the next waiter (`active` stays), or is freed.
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  }

  async function fetchPreview(url: string): Promise<Embed | null> {
    const result = await withSlot(() => fetchAndStore(url));
    if (result === null) log.warn({ url }, 'link preview skipped: too many pages being fetched');
    return result?.embed ?? null;
  }

  async function fetchAndStore(url: string): Promise<{ embed: Embed | null }> {
    let embed: Embed | null = null;
    let failure: string | null = null;
    try {
      const page = await fetcher.fetchHtml(url);
      const card = parsePageCard(page.html);
      if (card.title || card.description) embed = { url, ...card };
      else failure = 'NO_CARD';
    } catch (err) {
      if (!(err instanceof FetchRefused)) throw err;
      failure = err.reason;
      // The decision, not the page: the URL is what a member wrote, and it says which host was refused.
      log.info({ url, reason: err.reason, detail: err.message }, 'link preview not made');
    }
    await repo.save({ url, embed, failure, fetchedAt: clock.now() });
    return { embed };
  }

  async function preview(url: string): Promise<Embed | null> {
    const cached = await repo.find(url);
    if (cached) {
      const age = clock.now().getTime() - cached.fetchedAt.getTime();
      if (age < (cached.embed ? PREVIEW_TTL_MS : FAILURE_TTL_MS)) return cached.embed;
    }
    let running = inFlight.get(url);
    if (!running) {
      running = fetchPreview(url).finally(() => inFlight.delete(url));
      inFlight.set(url, running);
    }
    return running;
  }

  return {
    preview,
    /** Previews of these links, in their order; links without one are left out. */
    async previews(urls: readonly string[]): Promise<Embed[]> {
      const results = await Promise.all(urls.map((u) => preview(u)));
      return results.filter((e): e is Embed => e !== null);
    },
    /** Forgets cached previews too old to be used again. */
    sweep: () => repo.sweep(new Date(clock.now().getTime() - Math.max(PREVIEW_TTL_MS, FAILURE_TTL_MS))),
  };
}
