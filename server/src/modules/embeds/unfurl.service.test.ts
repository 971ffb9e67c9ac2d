import { describe, expect, it } from 'vitest';
import { createLogger } from '../../logger';
import type { LinkPreviewRecord, LinkPreviewsRepo } from './link-previews.repo';
import { FetchRefused, type SafeFetcher } from './safe-fetch';
import { FAILURE_TTL_MS, MAX_CONCURRENT_FETCHES, MAX_WAITING_FETCHES, PREVIEW_TTL_MS, createUnfurlService } from './unfurl.service';

/** In-memory cache and a scripted fetcher: what the service decides to fetch, and when. */
function setup(pages: Record<string, string | FetchRefused>, gate?: Promise<void>) {
  const store = new Map<string, LinkPreviewRecord>();
  const repo: LinkPreviewsRepo = {
    ensureIndexes: async () => undefined,
    find: async (url) => store.get(url) ?? null,
    save: async (r) => void store.set(r.url, r),
    sweep: async () => 0,
  };
  const fetched: string[] = [];
  const fetcher: SafeFetcher = {
    async fetchHtml(url) {
      fetched.push(url);
      await (gate ?? Promise.resolve());
      const page = pages[url];
      if (page === undefined) throw new FetchRefused('NETWORK', 'no such page');
      if (page instanceof FetchRefused) throw page;
      return { url, html: page };
    },
  };
  let now = Date.UTC(2026, 0, 1);
  const clock = { now: () => new Date(now) };
  const service = createUnfurlService({ repo, fetcher, clock, log: createLogger('silent') });
  return { service, fetched, store, advance: (ms: number) => (now += ms) };
}

const page = (title: string) => `<head><title>${title}</title></head>`;

describe('unfurl service', () => {
  it('when a page has a title, then it becomes an embed of the written URL, cached for reuse until it is stale', async () => {
    const t = setup({ 'https://a.example/': page('A') });
    const embed = { url: 'https://a.example/', title: 'A', description: null, siteName: null };
    expect(await t.service.preview('https://a.example/')).toEqual(embed);
    expect(await t.service.preview('https://a.example/')).toEqual(embed);
    expect(t.fetched).toHaveLength(1);
    t.advance(PREVIEW_TTL_MS);
    await t.service.preview('https://a.example/');
    expect(t.fetched).toHaveLength(2);
  });

  it('when a fetch is refused or the page has no card, then the failure is cached briefly (a dead host is not hammered)', async () => {
    const t = setup({ 'https://b.example/': '<head></head>', 'http://127.0.0.1/': new FetchRefused('REFUSED_ADDRESS', 'loopback') });
    expect(await t.service.previews(['http://127.0.0.1/', 'https://b.example/'])).toEqual([]);
    expect(t.store.get('http://127.0.0.1/')?.failure).toBe('REFUSED_ADDRESS');
    expect(t.store.get('https://b.example/')?.failure).toBe('NO_CARD');
    await t.service.previews(['http://127.0.0.1/', 'https://b.example/']);
    expect(t.fetched).toHaveLength(2);
    t.advance(FAILURE_TTL_MS);
    await t.service.previews(['http://127.0.0.1/']);
    expect(t.fetched).toHaveLength(3);
  });

  it('when the same link is previewed many times at once, then it is fetched once', async () => {
    const t = setup({ 'https://c.example/': page('C') });
    const all = await Promise.all(Array.from({ length: 5 }, () => t.service.preview('https://c.example/')));
    expect(all.every((e) => e?.title === 'C')).toBe(true);
    expect(t.fetched).toEqual(['https://c.example/']);
  });

  it('when some links of a message have previews, then the embeds keep the links order without the failed ones', async () => {
    const t = setup({ 'https://d.example/': page('D'), 'https://e.example/': page('E') });
    const embeds = await t.service.previews(['https://e.example/', 'https://dead.example/', 'https://d.example/']);
    expect(embeds.map((e) => e.title)).toEqual(['E', 'D']);
  });

  it('when many pages are asked for at once, then at most 8 are fetched together and past the waiting line links get none', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const total = MAX_CONCURRENT_FETCHES + MAX_WAITING_FETCHES + 5;
    const urls = Array.from({ length: total }, (_, i) => `https://p${i}.example/`);
    const t = setup(Object.fromEntries(urls.map((u, i) => [u, page(`P${i}`)])), gate);
    const all = Promise.all(urls.map((u) => t.service.preview(u)));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(t.fetched).toHaveLength(MAX_CONCURRENT_FETCHES);
    open();
    const results = await all;
    expect(t.fetched).toHaveLength(MAX_CONCURRENT_FETCHES + MAX_WAITING_FETCHES);
    expect(results.filter((e) => e === null)).toHaveLength(5);
    // Nothing is cached for the skipped ones: a later message previews them.
    expect(t.store.size).toBe(MAX_CONCURRENT_FETCHES + MAX_WAITING_FETCHES);
  });
});
