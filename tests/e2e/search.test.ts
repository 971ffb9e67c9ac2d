/**
 * Browser E2E of message search against the real stack: A sends a message, more messages push it off the first page,
 * and from another channel A searches with Ctrl+F and an `in:` operator, opens the result by keyboard, and lands on
 * the message highlighted in its channel. The results panel passes axe in both themes.
 */
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousViolationsInBothThemes } from './axe';
import { registerUser, rest, signIn } from './moderation-support';
import { SHOTS, useBrowserSession } from './web-stack';

const e2e = useBrowserSession();
const suffix = Math.random().toString(36).slice(2, 7);

const openChannel = (page: Page, name: string) =>
  page
    .getByRole('complementary', { name: 'Channels' })
    .getByRole('button', { name: new RegExp(`^${name} \\(text channel\\)`) })
    .click();

describe('search in the web client', () => {
  it('when A searches a word with Ctrl+F and opens the result by keyboard, then the message is highlighted in its channel', async () => {
    const base = e2e.server.url;
    const A = await registerUser(base, `sea_${suffix}`, 'Alice');
    const guild = (await rest<{ id: string }>(base, 'POST', '/guilds', A.token, { name: 'Search Guild' })).body;
    const general = (
      await rest<{ items: { id: string; type: string }[] }>(base, 'GET', `/guilds/${guild.id}/channels`, A.token)
    ).body.items.find((c) => c.type === 'text')!.id;
    expect((await rest(base, 'POST', `/guilds/${guild.id}/channels`, A.token, { type: 'text', name: 'other' })).status).toBe(201);

    const page = await (await e2e.newContext()).newPage();
    page.on('pageerror', (err) => console.error(`[page error] ${err.message}`));
    await signIn(page, base, A);
    await page
      .getByRole('navigation', { name: 'Servers' })
      .getByRole('button', { name: /^Search Guild/ })
      .click();
    await openChannel(page, 'general');
    await page.getByLabel('Message #general').fill('The quokka is the happiest animal');
    await page.getByLabel('Message #general').press('Enter');
    await page.locator('.message[data-message-id]', { hasText: 'The quokka is the happiest animal' }).waitFor({ timeout: 15_000 });
    // Enough later messages that the found one is older than the channel's first page.
    for (let i = 0; i < 60; i += 1)
      expect((await rest(base, 'POST', `/channels/${general}/messages`, A.token, { content: `filler ${i}` })).status).toBe(201);
    await openChannel(page, 'other');
    await page.getByLabel('Message #other').waitFor();

    await page.keyboard.press('Control+f');
    const box = page.getByRole('searchbox', { name: 'Search messages' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('guild-search');
    await page.keyboard.type('in:#nowhere quokka');
    await page.keyboard.press('Enter');
    const panel = page.getByRole('complementary', { name: 'Search failed' });
    await panel.getByRole('alert').filter({ hasText: 'No channel named "#nowhere"' }).waitFor();
    await box.fill('in:#general QUOKKA');
    await page.keyboard.press('Enter');
    const results = page.getByRole('complementary', { name: '1 result' });
    await results.waitFor({ timeout: 15_000 });
    await results.getByRole('button', { name: /jump to message$/ }).waitFor();
    const result = results.getByRole('button', { name: /^Alice\b.*The quokka is the happiest animal\W+jump to message$/ });
    expect(await result.locator('mark').allTextContents()).toEqual(['quokka']);
    await page.screenshot({ path: resolve(SHOTS, 'search-results.png') });
    await expectNoSeriousViolationsInBothThemes(page, 'search results');

    await result.focus();
    await page.keyboard.press('Enter');
    await page.locator('.message.jump-highlight', { hasText: 'The quokka is the happiest animal' }).waitFor({ timeout: 15_000 });
    await page.getByRole('main', { name: '#general' }).waitFor();

    // Escape in the box clears it and closes the results.
    await box.focus();
    await page.keyboard.press('Escape');
    await results.waitFor({ state: 'detached' });
  });
});
