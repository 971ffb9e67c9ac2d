import { lookup as dnsLookup } from 'node:dns/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import zlib from 'node:zlib';
import { classifyAddress, literalAddress } from './address-policy';

/**
 * Fetches the start of a web page for a link preview, guarded against server-side request forgery:
 *
 * - only http and https, only ports 80 and 443 (a public host's other ports are where its databases and admin
 *   consoles listen), no credentials in the URL;
 * - the name is resolved here, and every address it resolves to must be global unicast (address-policy.ts); the
 *   connection then goes to the address that was checked (the socket's `lookup` hands it back), so the name cannot
 *   resolve to something else between the check and the connect (DNS rebinding);
 * - redirects are followed by hand, at most MAX_REDIRECTS, each hop checked like the first;
 * - one deadline for everything (all hops, headers and body), at most `maxBytes` of decoded body read, and reading
 *   stops at `</head>`, which holds everything a preview needs;
 * - only `text/html` (or XHTML) bodies; the User-Agent says it is Parley.
 *
 * `allowTargets` ("ip:port" entries) lets tests reach their local page server; config.ts refuses it outside
 * NODE_ENV=test.
 */
export type FetchFailure =
  'BAD_URL' | 'REFUSED_ADDRESS' | 'REFUSED_PORT' | 'DNS_FAILED' | 'TOO_MANY_REDIRECTS' | 'HTTP_STATUS' | 'NOT_HTML' | 'TIMEOUT' | 'NETWORK';

export class FetchRefused extends Error {
  constructor(
    readonly reason: FetchFailure,
    message: string,
  ) {
    super(message);
    this.name = 'FetchRefused';
  }
}

export const MAX_REDIRECTS = 3;
export const USER_AGENT = 'Mozilla/5.0 (compatible; ParleyBot/1.0; link previews)';

export interface SafeFetchOptions {
  /** Whole-fetch deadline, ms. */
  timeoutMs: number;
  /** Decoded body bytes read at most. */
  maxBytes: number;
  /** Test-only exceptions, "ip:port" ("127.0.0.1:8080", "[::1]:8080"). */
  allowTargets?: ReadonlySet<string>;
  /** Name resolution (all addresses); dns.lookup by default. */
  resolve?: (hostname: string) => Promise<{ address: string; family: number }[]>;
}

export interface FetchedPage {
  /** The URL the page came from, after redirects. */
  url: string;
  html: string;
}

const defaultResolve = (hostname: string) => dnsLookup(hostname, { all: true, verbatim: true });

export function createSafeFetcher(opts: SafeFetchOptions) {
  const resolve = opts.resolve ?? defaultResolve;
  const allowed = opts.allowTargets ?? new Set<string>();
  const targetKey = (address: string, port: number) => `${address.includes(':') ? `[${address}]` : address}:${port}`;

  /** The checked address to connect to for `url`; throws when the URL or any of its addresses is refused. */
  async function vet(url: URL): Promise<{ address: string; family: number; port: number }> {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new FetchRefused('BAD_URL', `scheme ${url.protocol} is not fetched`);
    if (url.username || url.password) throw new FetchRefused('BAD_URL', 'URLs with credentials are not fetched');
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    const literal = literalAddress(url.hostname);
    const addresses = literal ? [{ address: literal, family: literal.includes(':') ? 6 : 4 }] : await resolveAll(url.hostname);
    if (addresses.length === 0) throw new FetchRefused('DNS_FAILED', 'the name has no addresses');
    const checked = addresses.filter((a) => !allowed.has(targetKey(a.address, port)));
    for (const a of checked) {
      const verdict = classifyAddress(a.address);
      // Every address must pass: a name that also points inside is refused, whichever address a connect would pick.
      if (!verdict.allowed) throw new FetchRefused('REFUSED_ADDRESS', `${a.address} is a ${verdict.range} address`);
    }
    if (checked.length > 0 && port !== 80 && port !== 443) throw new FetchRefused('REFUSED_PORT', `port ${port} is not fetched`);
    return { ...addresses[0]!, port };
  }

  async function resolveAll(hostname: string) {
    try {
      return await resolve(hostname);
    } catch {
      throw new FetchRefused('DNS_FAILED', 'the name does not resolve');
    }
  }

  /** One request to the vetted address; resolves with the response head. */
  function request(url: URL, target: { address: string; family: number; port: number }, signal: AbortSignal): Promise<IncomingMessage> {
    // Hands the socket the address that was checked, whatever the name resolves to now.
    const pinned: LookupFunction = (_hostname, options, callback) => {
      if (options.all) callback(null, [{ address: target.address, family: target.family }]);
      else callback(null, target.address, target.family);
    };
    const lib = url.protocol === 'https:' ? https : http;
    return new Promise((resolvePromise, reject) => {
      const req = lib.request(url, {
        method: 'GET',
        lookup: pinned,
        signal,
        agent: false,
        headers: {
          'user-agent': USER_AGENT,
          accept: 'text/html,application/xhtml+xml;q=0.9',
          'accept-encoding': 'gzip, deflate, br',
          'accept-language': 'en',
        },
      });
      req.on('response', resolvePromise);
      req.on('error', reject);
      req.end();
    });
  }

  /** Reads the body up to `maxBytes` decoded bytes or the end of `<head>`, then drops the connection. */
  async function readHead(res: IncomingMessage, signal: AbortSignal): Promise<string> {
    const encoding = String(res.headers['content-encoding'] ?? 'identity').toLowerCase();
    const decoder =
      encoding === 'gzip' || encoding === 'x-gzip'
        ? zlib.createGunzip()
        : encoding === 'deflate'
          ? zlib.createInflate()
          : encoding === 'br'
            ? zlib.createBrotliDecompress()
            : null;
    const stream = decoder ? res.pipe(decoder) : res;
    const chunks: Buffer[] = [];
    let total = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        if (signal.aborted) break;
        const room = opts.maxBytes - total;
        chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
        total += Math.min(chunk.length, room);
        if (total >= opts.maxBytes) break;
        // `</head>` may straddle two chunks: look in the tail of the previous one too.
        if (/<\/head\s*>|<body[\s>]/i.test(Buffer.concat(chunks.slice(-2)).toString('latin1'))) break;
      }
    } finally {
      res.destroy();
      decoder?.destroy();
    }
    if (signal.aborted) throw new FetchRefused('TIMEOUT', 'the page took too long');
    return decodeBody(Buffer.concat(chunks), String(res.headers['content-type'] ?? ''));
  }

  return {
    async fetchHtml(input: string): Promise<FetchedPage> {
      let url: URL;
      try {
        url = new URL(input);
      } catch {
        throw new FetchRefused('BAD_URL', 'not a URL');
      }
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), opts.timeoutMs);
      // Name resolution cannot be aborted: the deadline wins the race instead of waiting for a resolver that hangs.
      const deadline = new Promise<never>((_resolve, reject) =>
        controller.signal.addEventListener('abort', () => reject(new FetchRefused('TIMEOUT', 'the page took too long')), { once: true }),
      );
      deadline.catch(() => undefined);
      try {
        for (let hop = 0; ; hop++) {
          const target = await Promise.race([vet(url), deadline]);
          const res = await request(url, target, controller.signal);
          const status = res.statusCode ?? 0;
          if (status >= 300 && status < 400 && res.headers.location) {
            res.destroy();
            if (hop >= MAX_REDIRECTS) throw new FetchRefused('TOO_MANY_REDIRECTS', `more than ${MAX_REDIRECTS} redirects`);
            try {
              url = new URL(res.headers.location, url);
            } catch {
              throw new FetchRefused('BAD_URL', 'the redirect goes nowhere');
            }
            continue;
          }
          if (status < 200 || status >= 300) {
            res.destroy();
            throw new FetchRefused('HTTP_STATUS', `status ${status}`);
          }
          const type = String(res.headers['content-type'] ?? '')
            .split(';')[0]!
            .trim()
            .toLowerCase();
          if (type !== 'text/html' && type !== 'application/xhtml+xml') {
            res.destroy();
            throw new FetchRefused('NOT_HTML', `content type ${type || 'missing'}`);
          }
          return { url: url.href, html: await readHead(res, controller.signal) };
        }
      } catch (err) {
        if (err instanceof FetchRefused) throw err;
        if (controller.signal.aborted) throw new FetchRefused('TIMEOUT', 'the page took too long');
        throw new FetchRefused('NETWORK', err instanceof Error ? err.message : 'network error');
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

export type SafeFetcher = ReturnType<typeof createSafeFetcher>;

/**
 * The body as text: in the charset the Content-Type names, else the one a `<meta charset>` / `http-equiv` tag in the
 * first 1024 bytes names (the HTML standard's prescan, simplified), else UTF-8; an unknown label also means UTF-8.
 */
export function decodeBody(body: Buffer, contentType: string): string {
  const label =
    /charset\s*=\s*"?([\w-]+)/i.exec(contentType)?.[1] ??
    /<meta[^>]*?charset\s*=\s*["']?([\w-]+)/i.exec(body.subarray(0, 1024).toString('latin1'))?.[1];
  try {
    return new TextDecoder(label ?? 'utf-8').decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}
