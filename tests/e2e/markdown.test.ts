/**
 * Browser E2E of message formatting against the real stack: A sends markdown with bold text, a TypeScript code block,
 * a spoiler and a link; B sees it rendered (the code block highlighted once the lazy highlighter has loaded, the link
 * opening in a new tab without opener or referrer, the spoiler hidden until B reveals it with the keyboard), a
 * javascript: link stays text, and the chat with rendered markdown passes axe in both themes.
 */
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoSeriousViolationsInBothThemes } from './axe';
import { signIn, type E2eUser, ownerAndMemberSignedIn } from './moderation-support';
import { SHOTS, useBrowserSession } from './web-stack';

const e2e = useBrowserSession();
const suffix = Math.random().toString(36).slice(2, 7);
let B: E2eUser;
let a: Page;
let b: Page;

const MESSAGE = [
  '# Release notes',
  '**Parley 0.2** is out, with *formatting* and __underline__. Read [the notes](https://example.com/notes?from=chat) — ||the ending is a surprise||',
  '> quoted from the changelog',
  '```ts',
  'const answer: number = 42; // the answer',
  '```',
  'Not a link: [click me](javascript:alert(1)) 🎉',
].join('\n');

describe('message formatting in the web client', () => {
  beforeAll(async () => {
    ({ B, a, b } = await ownerAndMemberSignedIn(e2e, { owner: `amd_${suffix}`, member: `bmd_${suffix}`, guild: 'Markdown Lab' }));
  });

  it('when A sends markdown, then B sees it rendered: bold, a highlighted code block, a safe link and a keyboard spoiler', async () => {
    const composer = a.getByLabel('Message #general');
    await composer.fill(MESSAGE);
    await composer.press('Enter');

    const message = b.locator('.message', { hasText: 'Release notes' });
    await message.waitFor({ timeout: 15_000 });
    const body = message.locator('.content .markdown');

    await expect.poll(() => body.locator('strong').first().textContent()).toBe('Parley 0.2');
    expect(await body.locator('em').first().textContent()).toBe('formatting');
    expect(await body.locator('u').textContent()).toBe('underline');
    expect(await body.locator('.md-heading.md-h1').textContent()).toBe('Release notes');
    expect(await body.locator('blockquote').textContent()).toBe('quoted from the changelog');

    // The link: an anchor to the https URL that opens a new tab with neither opener nor referrer.
    const link = body.getByRole('link', { name: 'the notes' });
    expect(await link.getAttribute('href')).toBe('https://example.com/notes?from=chat');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    // The javascript: one is text, and no anchor on the page has a non-web scheme.
    expect(await body.textContent()).toContain('[click me](javascript:alert(1))');
    expect(await body.locator('a').count()).toBe(1);

    // The code block: plain first, then the lazily loaded highlighter's tokens.
    const code = body.locator('pre.md-code-block[data-lang="ts"]');
    await code.locator('[class^="hljs-"]').first().waitFor({ timeout: 15_000 });
    expect(await code.getAttribute('data-highlighted')).toBe('true');
    expect(await code.locator('.hljs-keyword').first().textContent()).toBe('const');
    expect(await code.locator('.hljs-comment').textContent()).toBe('// the answer');
    expect(await code.textContent()).toBe('const answer: number = 42; // the answer');

    // The spoiler: hidden (not visible, not in the accessibility tree) until revealed with the keyboard.
    const spoiler = body.getByRole('button', { name: 'Spoiler, press to reveal' });
    expect(await spoiler.count()).toBe(1);
    expect(await body.getByText('the ending is a surprise').isVisible()).toBe(false);
    await spoiler.focus();
    expect(await spoiler.evaluate((el) => el === document.activeElement)).toBe(true);
    await b.keyboard.press('Enter');
    await body.getByText('the ending is a surprise').waitFor({ state: 'visible' });
    expect(await body.getByRole('button', { name: 'Spoiler, press to reveal' }).count()).toBe(0);

    // A message of only emoji shows them large (Discord's "jumbo"), in the shipped colour emoji font.
    await composer.fill('🎉🚀👍');
    await composer.press('Enter');
    await b.locator('.message .content .markdown.jumbo', { hasText: '🎉🚀👍' }).waitFor({ timeout: 15_000 });

    // Axe on the chat with rendered markdown (highlighted code, revealed spoiler, quote, link), both themes.
    await expectNoSeriousViolationsInBothThemes(b, 'chat with rendered markdown');
    // The shipped emoji font (Linux often has none): the subset holding 🎉 loads from our origin past the CSP.
    const emojiFont = await b.evaluate(async () => {
      const faces = await document.fonts.load('16px "Parley Emoji"', '🎉');
      return faces.map((f) => f.status);
    });
    expect(emojiFont.length).toBeGreaterThan(0);
    expect(emojiFont.every((status) => status === 'loaded')).toBe(true);
    await b.evaluate(() => document.fonts.ready);
    await b.screenshot({ path: resolve(SHOTS, 'chat-markdown.png') });
  });

  it('when the desktop bridge is present, then a link click asks "Leaving Parley" first and only then goes to main', async () => {
    // A stand-in for the preload's window.parley: every invoke answers "unavailable" except app.openExternal, which
    // records its URL (main's side, the scheme allow-list and the sender check, is unit-tested in src-main).
    const ctx = await e2e.newContext();
    await ctx.addInitScript(() => {
      const w = window as unknown as { __opened: string[]; parley: unknown };
      w.__opened = [];
      const domain = (d: string) =>
        new Proxy(
          {},
          {
            get: (_t, m) =>
              typeof m === 'string' && m.startsWith('on')
                ? () => () => undefined
                : async (req?: { url?: string }) => {
                    if (d === 'app' && m === 'openExternal') {
                      w.__opened.push(req?.url ?? '');
                      return { ok: true, data: { opened: true } };
                    }
                    return { ok: false, code: 'unavailable' };
                  },
          },
        );
      w.parley = new Proxy({}, { get: (_t, d) => (typeof d === 'string' ? domain(d) : undefined) });
    });
    const desk = await ctx.newPage();
    desk.on('pageerror', (err) => console.error(`[page error] ${err.message}`));
    await signIn(desk, e2e.server.url, B);
    const link = desk.locator('.message', { hasText: 'Release notes' }).getByRole('link', { name: 'the notes' });
    await link.waitFor({ timeout: 15_000 });

    // Cancel: nothing opens, focus returns to the link.
    await link.click();
    const dialog = desk.getByRole('dialog', { name: 'Leaving Parley' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('Open example.com?');
    await expectNoSeriousViolationsInBothThemes(desk, 'leaving Parley confirmation');
    await desk.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await desk.evaluate(() => (window as unknown as { __opened: string[] }).__opened)).toEqual([]);
    expect(await link.evaluate((el) => el === document.activeElement)).toBe(true);

    // Confirm (keyboard: the link is focusable, Enter follows it): main is asked, and no window opened in the app.
    await link.focus();
    await desk.keyboard.press('Enter');
    await dialog.getByRole('button', { name: 'Open link' }).click();
    await expect
      .poll(() => desk.evaluate(() => (window as unknown as { __opened: string[] }).__opened))
      .toEqual(['https://example.com/notes?from=chat']);
    expect(ctx.pages()).toHaveLength(1);
    await ctx.close();
  });

  it('when a spoiler is still hidden, then the chat passes axe in both themes too', async () => {
    await a.getByLabel('Message #general').fill('keep this ||hidden part|| to yourself');
    await a.getByLabel('Message #general').press('Enter');
    const spoiler = b.locator('.message', { hasText: 'to yourself' }).getByRole('button', { name: 'Spoiler, press to reveal' });
    await spoiler.waitFor({ timeout: 15_000 });
    await expectNoSeriousViolationsInBothThemes(b, 'chat with a hidden spoiler');
  });
});
