/**
 * The web client as the server delivers it, against a real build (out/web, rebuilt when stale): no redirect at /app,
 * hashed assets cached for good and sent precompressed, index.html revalidated, a favicon and app icons, client routes
 * falling back to index.html and missing files answering 404.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { resolve } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild, ROOT } from '../support/builds';
import { startTestServer, type TestServer } from './server-helpers';
import { MIN_BYTES } from '../../scripts/build/precompress';

const WEB_DIR = resolve(ROOT, 'out/web');

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** node:http rather than fetch: fetch decompresses bodies and always sends its own Accept-Encoding. */
function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  return new Promise((done, fail) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
}

describe('web client delivery at /app', () => {
  let t: TestServer;
  let mainScript: string;
  let indexHtml: string;

  beforeAll(async () => {
    ensureWebBuild();
    indexHtml = readFileSync(resolve(WEB_DIR, 'index.html'), 'utf8');
    const src = /<script type="module"[^>]* src="([^"]+)"/.exec(indexHtml)?.[1];
    if (!src) throw new Error('no module script in out/web/index.html');
    mainScript = src;
    t = await startTestServer({ WEB_DIR });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('when /app is requested without a trailing slash, then it answers 200 with the app, not a redirect', async () => {
    const res = await get(`${t.url}/app`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body.toString()).toBe(indexHtml);
    // The asset URLs are absolute, so they resolve the same from /app and /app/.
    expect(mainScript).toMatch(/^\/app\/assets\/index-[\w-]+\.js$/);
  });

  it('when index.html is served, then it must be revalidated (no-cache), at /app/ and as the SPA fallback', async () => {
    for (const path of ['/app', '/app/', '/app/index.html', '/app/channels/some/client/route']) {
      const res = await get(`${t.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers['cache-control'], path).toBe('no-cache');
      expect(res.body.toString(), path).toBe(indexHtml);
    }
  });

  it('when the main script is asked for with brotli, then it comes brotli-encoded, immutable, and decodes to the built file', async () => {
    const original = readFileSync(resolve(WEB_DIR, mainScript.replace(/^\/app\//, '')));
    const res = await get(`${t.url}${mainScript}`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers.vary).toMatch(/accept-encoding/i);
    expect(res.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(res.body.length).toBeLessThan(original.length / 2);
    expect(brotliDecompressSync(res.body).equals(original)).toBe(true);
  });

  it('when only gzip is accepted, then the script comes gzip-encoded and decodes to the same bytes', async () => {
    const original = readFileSync(resolve(WEB_DIR, mainScript.replace(/^\/app\//, '')));
    const res = await get(`${t.url}${mainScript}`, { 'accept-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(gunzipSync(res.body).equals(original)).toBe(true);
  });

  it('when no encoding is accepted, then the script is sent as built, still varying on Accept-Encoding', async () => {
    const original = readFileSync(resolve(WEB_DIR, mainScript.replace(/^\/app\//, '')));
    const res = await get(`${t.url}${mainScript}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers.vary).toMatch(/accept-encoding/i);
    expect(res.body.equals(original)).toBe(true);
  });

  it('when every hashed asset is requested with brotli, then each is immutable with its own type, compressed unless under MIN_BYTES', async () => {
    const assets = readdirSync(resolve(WEB_DIR, 'assets')).filter((f) => /\.(js|css)$/.test(f));
    expect(assets.filter((f) => statSync(resolve(WEB_DIR, 'assets', f)).size >= MIN_BYTES).length).toBeGreaterThanOrEqual(2);
    for (const asset of assets) {
      const res = await get(`${t.url}/app/assets/${asset}`, { 'accept-encoding': 'br' });
      expect(res.status, asset).toBe(200);
      expect(res.headers['cache-control'], asset).toBe('public, max-age=31536000, immutable');
      // A file under MIN_BYTES (e.g. the bundler's tiny runtime chunk) gains nothing from compression and is sent as built.
      const small = statSync(resolve(WEB_DIR, 'assets', asset)).size < MIN_BYTES;
      expect(res.headers['content-encoding'], asset).toBe(small ? undefined : 'br');
      expect(res.headers['content-type'], asset).toMatch(asset.endsWith('.css') ? /^text\/css/ : /javascript/);
    }
  });

  it('when an API answer over 1 KB is asked for with brotli, then it comes compressed and decodes to the same JSON; without, as is', async () => {
    const plain = await get(`${t.url}/api/v1/openapi.json`);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(1024);
    const br = await get(`${t.url}/api/v1/openapi.json`, { 'accept-encoding': 'br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.body.length).toBeLessThan(plain.body.length / 2);
    expect(JSON.parse(brotliDecompressSync(br.body).toString('utf8'))).toEqual(JSON.parse(plain.body.toString('utf8')));
  });

  it('when the favicon and app icons are requested, then they answer 200 with image types, named by index.html and the manifest', async () => {
    expect(indexHtml).toContain('<link rel="icon" href="/app/favicon.svg"');
    expect(indexHtml).toContain('<link rel="manifest" href="/app/manifest.webmanifest"');
    const favicon = await get(`${t.url}/app/favicon.svg`);
    expect(favicon.status).toBe(200);
    expect(favicon.headers['content-type']).toMatch(/^image\/svg\+xml/);
    const manifestRes = await get(`${t.url}/app/manifest.webmanifest`);
    expect(manifestRes.status).toBe(200);
    expect(manifestRes.headers['content-type']).toMatch(/^application\/manifest\+json/);
    const manifest = JSON.parse(manifestRes.body.toString()) as { icons: { src: string; sizes: string }[] };
    const sizes = manifest.icons.map((icon) => icon.sizes);
    expect(sizes).toEqual(expect.arrayContaining(['192x192', '512x512']));
    for (const icon of manifest.icons) {
      const res = await get(`${t.url}/app/${icon.src}`);
      expect(res.status, icon.src).toBe(200);
      expect(res.headers['content-type'], icon.src).toMatch(/^image\//);
    }
  });

  it('when a hashed asset or a file-like path does not exist, then it is 404, not index.html', async () => {
    for (const path of ['/app/assets/index-doesnotexist.js', '/app/assets/nothing', '/app/missing-icon.png']) {
      const res = await get(`${t.url}${path}`, { 'accept-encoding': 'br, gzip' });
      expect(res.status, path).toBe(404);
      expect(res.body.toString(), path).not.toContain('<div id="root">');
    }
  });

  it('when a path tries to leave the build directory or fetch a compressed copy directly, then it is 404', async () => {
    for (const path of ['/app/..%2fpackage.json', '/app/%2e%2e/%2e%2e/package.json', `${mainScript}.br`]) {
      const res = await get(`${t.url}${path}`);
      expect(res.status, path).toBe(404);
    }
  });

  it('when a HEAD request asks for the script with brotli, then the headers match the GET without a body', async () => {
    const res = await get(`${t.url}${mainScript}`, { 'accept-encoding': 'br' }, 'HEAD');
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(Number(res.headers['content-length'])).toBeGreaterThan(0);
    expect(res.body.length).toBe(0);
  });
});
