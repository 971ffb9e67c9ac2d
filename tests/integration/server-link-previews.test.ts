import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PAGE_BYTES } from '../../server/src/modules/embeds/link-previews';
import { parsePageCard } from '../../server/src/modules/embeds/og-parse';
import { createSafeFetcher, type FetchFailure, USER_AGENT } from '../../server/src/modules/embeds/safe-fetch';
import {
  connectGateway,
  guildWithMember,
  nextEvent,
  registerUser,
  startTestServer,
  type TestServer,
  type TestUser,
} from './server-helpers';

/**
 * Link previews against real sockets: a local "internet" page server the server may reach only because the test
 * allowance names its exact ip:port (UNFURL_ALLOW_TARGETS, refused outside NODE_ENV=test), and a second local server
 * standing for an internal service, which must never see a request.
 */
interface Seen {
  path: string;
  userAgent: string | undefined;
}

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', userAgent: req.headers['user-agent'] });
    handler!(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

const article = (title: string) =>
  `<!doctype html><html><head><meta property="og:title" content="${title}"><meta property="og:description" content="What it is about"><meta property="og:site_name" content="Local News"></head><body>text</body></html>`;

describe('link previews', () => {
  let pages: Awaited<ReturnType<typeof listen>>;
  let internal: Awaited<ReturnType<typeof listen>>;
  let pagesBase: string;
  let internalBase: string;
  let t: TestServer;
  let owner: TestUser;
  let member: TestUser;
  let textId: string;
  const fetcher = () =>
    createSafeFetcher({ timeoutMs: 1_000, maxBytes: MAX_PAGE_BYTES, allowTargets: new Set([`127.0.0.1:${pages.port}`]) });

  beforeAll(async () => {
    internal = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(article('internal secret'));
    });
    pages = await listen((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path.startsWith('/article')) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(article(`Article ${path.slice('/article'.length) || 'one'}`));
      } else if (path === '/to-internal') {
        res.writeHead(302, { location: `http://127.0.0.1:${internal.port}/secret` });
        res.end();
      } else if (path === '/to-metadata') {
        res.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' });
        res.end();
      } else if (path === '/loop') {
        res.writeHead(302, { location: '/loop' });
        res.end();
      } else if (path === '/hop') {
        res.writeHead(302, { location: '/article-after-hop' });
        res.end();
      } else if (path === '/huge') {
        // 2 MB of head before its only title: the reader stops at 1 MB and never sees it.
        res.writeHead(200, { 'content-type': 'text/html' });
        res.write('<html><head>');
        const filler = `<meta name="x" content="${'a'.repeat(1000)}">`;
        for (let i = 0; i < 2000; i++) res.write(filler);
        res.end('<meta property="og:title" content="too far"></head></html>');
      } else if (path === '/slow') {
        // Headers and a little of the head, then nothing: the deadline ends it.
        res.writeHead(200, { 'content-type': 'text/html' });
        res.write('<html><head><title>never finished');
      } else if (path === '/json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"title":"no"}');
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    pagesBase = `http://127.0.0.1:${pages.port}`;
    internalBase = `http://127.0.0.1:${internal.port}`;
    t = await startTestServer({ UNFURL_ALLOW_TARGETS: `127.0.0.1:${pages.port}`, UNFURL_TIMEOUT_MS: '1000' });
    owner = await registerUser(t.api, 'lpowner');
    member = await registerUser(t.api, 'lpmember');
    ({ textId } = await guildWithMember({ api: t.api, user: owner }, { api: t.api, user: member }, 'Previews'));
  });
  afterAll(async () => {
    await t?.stop();
    pages?.server.closeAllConnections();
    internal?.server.closeAllConnections();
    await Promise.all([pages, internal].map((s) => s && new Promise((resolve) => s.server.close(resolve))));
  });

  const refusal = async (url: string, f = fetcher()): Promise<FetchFailure | 'fetched'> => {
    try {
      await f.fetchHtml(url);
      return 'fetched';
    } catch (err) {
      return (err as { reason: FetchFailure }).reason;
    }
  };

  it('when a URL points at loopback in any spelling, then it is refused and the local server sees no request', async () => {
    const port = internal.port;
    for (const url of [
      `${internalBase}/`,
      `http://localhost:${port}/`,
      `http://2130706433:${port}/`,
      `http://0177.0.0.1:${port}/`,
      `http://[::1]:${port}/`,
      `http://[::ffff:127.0.0.1]:${port}/`,
      `http://0.0.0.0:${port}/`,
    ])
      expect([url, await refusal(url)]).toEqual([url, 'REFUSED_ADDRESS']);
    expect(internal.seen).toEqual([]);
  });

  it('when an allowed page redirects to loopback or the metadata address, then the hop is refused before connecting', async () => {
    expect(await refusal(`${pagesBase}/to-internal`)).toBe('REFUSED_ADDRESS');
    expect(await refusal(`${pagesBase}/to-metadata`)).toBe('REFUSED_ADDRESS');
    expect(internal.seen).toEqual([]);
    expect(await refusal(`${pagesBase}/loop`)).toBe('TOO_MANY_REDIRECTS');
    expect(pages.seen.filter((s) => s.path === '/loop')).toHaveLength(4);
  });

  it('when a page is too large, too slow or not HTML, then it is cut off or refused', async () => {
    const huge = await fetcher().fetchHtml(`${pagesBase}/huge`);
    expect(Buffer.byteLength(huge.html)).toBeLessThanOrEqual(MAX_PAGE_BYTES);
    expect(parsePageCard(huge.html).title).toBeNull();
    expect(await refusal(`${pagesBase}/slow`)).toBe('TIMEOUT');
    expect(await refusal(`${pagesBase}/json`)).toBe('NOT_HTML');
  });

  it('when a name resolves, then the connection goes to the checked address, and a name with any inside address is refused', async () => {
    // "pages.invalid" resolves nowhere in real DNS: reaching the page proves the socket used the vetted address.
    const pinned = createSafeFetcher({
      timeoutMs: 1_000,
      maxBytes: MAX_PAGE_BYTES,
      allowTargets: new Set([`127.0.0.1:${pages.port}`]),
      resolve: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    const page = await pinned.fetchHtml(`http://pages.invalid:${pages.port}/article-pinned`);
    expect(parsePageCard(page.html).title).toBe('Article -pinned');
    expect(pages.seen.at(-1)?.userAgent).toBe(USER_AGENT);
    const mixed = createSafeFetcher({
      timeoutMs: 1_000,
      maxBytes: MAX_PAGE_BYTES,
      resolve: async () => [
        { address: '93.184.215.14', family: 4 },
        { address: '127.0.0.1', family: 4 },
      ],
    });
    expect(await refusal(`http://rebind.invalid:${internal.port}/`, mixed)).toBe('REFUSED_ADDRESS');
    const public8080 = createSafeFetcher({
      timeoutMs: 1_000,
      maxBytes: MAX_PAGE_BYTES,
      resolve: async () => [{ address: '93.184.215.14', family: 4 }],
    });
    expect(await refusal('http://public.invalid:8080/', public8080)).toBe('REFUSED_PORT');
    expect(internal.seen).toEqual([]);
  });

  it('when a message links a page and a loopback service, then the send answers at once and the page embed reaches another session live', async () => {
    const socket = connectGateway(t.url, owner.token);
    try {
      await nextEvent(socket, 'READY');
      const sent = await t.api.post(
        `/channels/${textId}/messages`,
        { content: `read ${pagesBase}/article and ${internalBase}/admin and <${pagesBase}/article-angle>` },
        member.token,
      );
      expect(sent.status).toBe(201);
      expect(sent.body.embeds).toEqual([]);
      const updated = await nextEvent(socket, 'MESSAGE_UPDATE', (m) => m.id === sent.body.id && m.embeds.length > 0);
      expect(updated.embeds).toEqual([
        { url: `${pagesBase}/article`, title: 'Article one', description: 'What it is about', siteName: 'Local News' },
      ]);
      expect(internal.seen).toEqual([]);
      expect(pages.seen.some((s) => s.path === '/article-angle')).toBe(false);
      expect((await t.api.get(`/channels/${textId}/messages/${sent.body.id}`, owner.token)).body.embeds).toHaveLength(1);

      // An edit to another link replaces the preview; a redirect hop on the allowed host is followed.
      const edited = nextEvent(socket, 'MESSAGE_UPDATE', (m) => m.id === sent.body.id && m.embeds[0]?.title === 'Article -after-hop');
      expect(
        (await t.api.patch(`/channels/${textId}/messages/${sent.body.id}`, { content: `now ${pagesBase}/hop` }, member.token)).status,
      ).toBe(200);
      expect((await edited).embeds).toEqual([
        { url: `${pagesBase}/hop`, title: 'Article -after-hop', description: 'What it is about', siteName: 'Local News' },
      ]);
    } finally {
      socket.disconnect();
    }
  });

  it('when embeds are suppressed, then only the author or a moderator may, everyone is told, and later edits make none', async () => {
    const socket = connectGateway(t.url, member.token);
    try {
      await nextEvent(socket, 'READY');
      const mine = await t.api.post(`/channels/${textId}/messages`, { content: `${pagesBase}/article-owner` }, owner.token);
      await nextEvent(socket, 'MESSAGE_UPDATE', (m) => m.id === mine.body.id && m.embeds.length === 1);
      expect((await t.api.put(`/channels/${textId}/messages/${mine.body.id}/suppress-embeds`, undefined, member.token)).status).toBe(403);

      const theirs = await t.api.post(`/channels/${textId}/messages`, { content: `${pagesBase}/article-member` }, member.token);
      await nextEvent(socket, 'MESSAGE_UPDATE', (m) => m.id === theirs.body.id && m.embeds.length === 1);
      const told = nextEvent(socket, 'MESSAGE_UPDATE', (m) => m.id === theirs.body.id && m.suppressEmbeds);
      // The owner has MANAGE_MESSAGES: a moderator may suppress someone else's previews.
      expect((await t.api.put(`/channels/${textId}/messages/${theirs.body.id}/suppress-embeds`, undefined, owner.token)).status).toBe(204);
      expect((await told).embeds).toEqual([]);
      expect((await t.api.put(`/channels/${textId}/messages/${theirs.body.id}/suppress-embeds`, undefined, member.token)).status).toBe(204);

      const editSeen = nextEvent(socket, 'MESSAGE_UPDATE', (m) => m.id === theirs.body.id && m.editedAt !== null);
      await t.api.patch(`/channels/${textId}/messages/${theirs.body.id}`, { content: `${pagesBase}/article-after-suppress` }, member.token);
      await editSeen;
      expect(pages.seen.some((s) => s.path === '/article-after-suppress')).toBe(false);
      const fetched = await t.api.get(`/channels/${textId}/messages/${theirs.body.id}`, member.token);
      expect(fetched.body).toMatchObject({ suppressEmbeds: true, embeds: [] });
      expect(
        (await t.api.put(`/channels/${textId}/messages/000000000000000000000000/suppress-embeds`, undefined, owner.token)).status,
      ).toBe(404);
    } finally {
      socket.disconnect();
    }
  });
});
