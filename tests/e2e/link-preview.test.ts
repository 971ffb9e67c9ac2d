/**
 * Browser E2E of link previews against the real stack: A posts a link to a page served by this test (reachable only
 * through the test-only UNFURL_ALLOW_TARGETS allowance for its exact ip:port); B sees the preview card arrive live,
 * with no Remove button (B is neither the author nor a moderator); the card passes axe in both themes; A removes the
 * previews with the keyboard and they disappear for both.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoSeriousViolationsInBothThemes } from './axe';
import { ownerAndMemberSignedIn } from './moderation-support';
import { SHOTS, useBrowserSession } from './web-stack';

let pages: Server | undefined;
let pageUrl = '';

const e2e = useBrowserSession({
  async serverEnv() {
    pages = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        '<!doctype html><html><head><title>fallback</title>' +
          '<meta property="og:site_name" content="Parley Field Notes">' +
          '<meta property="og:title" content="Tuning voice chat for slow networks">' +
          '<meta property="og:description" content="How Opus bitrates, jitter buffers and packet loss concealment keep a call understandable.">' +
          '</head><body></body></html>',
      );
    });
    await new Promise<void>((done) => pages!.listen(0, '127.0.0.1', done));
    const port = (pages.address() as AddressInfo).port;
    pageUrl = `http://127.0.0.1:${port}/notes/voice-tuning`;
    return { UNFURL_ALLOW_TARGETS: `127.0.0.1:${port}` };
  },
});
const suffix = Math.random().toString(36).slice(2, 7);
let a: Page;
let b: Page;

describe('link previews in the web client', () => {
  beforeAll(async () => {
    ({ a, b } = await ownerAndMemberSignedIn(e2e, { owner: `alp_${suffix}`, member: `blp_${suffix}`, guild: 'Preview Lab' }));
  });
  afterAll(async () => {
    pages?.closeAllConnections();
    await new Promise((done) => (pages ? pages.close(done) : done(undefined)));
  });

  it('when A posts a link, then B sees its preview live; A removes it by keyboard and it goes for both', async () => {
    await a.getByLabel('Message #general').fill(`notes from the call: ${pageUrl}`);
    await a.getByLabel('Message #general').press('Enter');

    const cardOnB = b.locator('.message', { hasText: 'notes from the call' }).locator('.link-embed');
    await cardOnB.waitFor({ timeout: 15_000 });
    expect(await cardOnB.locator('.link-embed-site').innerText()).toBe('Parley Field Notes');
    const title = cardOnB.getByRole('link', { name: 'Tuning voice chat for slow networks' });
    expect(await title.getAttribute('href')).toBe(pageUrl);
    expect(await cardOnB.locator('img').count()).toBe(0);
    // Bob did not write it and cannot manage messages: no Remove button for him.
    expect(await b.getByRole('button', { name: 'Remove link previews' }).count()).toBe(0);
    await b.mouse.move(0, 0);
    await b.screenshot({ path: resolve(SHOTS, 'chat-link-preview.png') });
    await expectNoSeriousViolationsInBothThemes(b, 'chat with a link preview');

    // Alice, keyboard only: focus the Remove button and press Enter.
    const remove = a.locator('.message', { hasText: 'notes from the call' }).getByRole('button', { name: 'Remove link previews' });
    await remove.waitFor({ timeout: 15_000 });
    await remove.focus();
    await a.keyboard.press('Enter');
    await a.locator('.message', { hasText: 'notes from the call' }).locator('.link-embed').waitFor({ state: 'detached', timeout: 15_000 });
    await cardOnB.waitFor({ state: 'detached', timeout: 15_000 });
  });
});
