/**
 * Browser E2E: messages posted while a client's gateway connection was down are fetched after it reconnects and
 * appear once, in order, without a reload.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useBrowserSession } from './web-stack';

const e2e = useBrowserSession();
const suffix = Math.random().toString(36).slice(2, 7);

async function signUp(page: Page, username: string, displayName: string, fromInvite = false) {
  // An invite link opens the sign-up form directly.
  if (!fromInvite) await page.getByRole('button', { name: 'Register' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Display name').fill(displayName);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('region', { name: 'User controls' }).waitFor();
}

async function newPage(): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await e2e.newContext();
  return { ctx, page: await ctx.newPage() };
}

describe('gateway reconnect', () => {
  it('when the gateway was down while messages were posted, then they appear in order after it reconnects', async () => {
    const { page: a } = await newPage();
    await a.goto(`${e2e.server.url}/app/`);
    await signUp(a, `gap_a_${suffix}`, 'Ann');
    await a.getByRole('button', { name: 'Add a server' }).click();
    await a.getByLabel('Server name').fill('Gap Guild');
    await a.getByRole('button', { name: 'Create', exact: true }).click();
    await a.getByRole('heading', { name: 'Gap Guild' }).waitFor();
    await a.getByRole('button', { name: 'Invite people' }).click();
    await a.getByRole('button', { name: 'Create invite link' }).click();
    const invite = a.locator('input[data-invite-code]:not([data-invite-code=""])');
    await invite.waitFor();
    const link = await invite.inputValue();
    await a.keyboard.press('Escape');

    const { ctx: bCtx, page: b } = await newPage();
    await b.goto(link);
    await signUp(b, `gap_b_${suffix}`, 'Ben', true);
    await b.getByRole('heading', { name: 'Gap Guild' }).waitFor();
    const composerA = a.getByLabel('Message #general');
    await composerA.fill('before the outage');
    await composerA.press('Enter');
    await b.locator('.message .content', { hasText: 'before the outage' }).waitFor();

    // Cut B off; the client notices and shows it is reconnecting.
    await bCtx.setOffline(true);
    await b.getByText('Connection lost — reconnecting…').waitFor({ timeout: 60_000 });
    const missed = ['missed one', 'missed two', 'missed three'];
    for (const text of missed) {
      await composerA.fill(text);
      await composerA.press('Enter');
      await a.locator('.message[data-message-id] .content', { hasText: text }).waitFor();
    }
    expect(await b.locator('.message .content', { hasText: 'missed' }).count()).toBe(0);

    await bCtx.setOffline(false);
    await b.locator('.message .content', { hasText: 'missed three' }).waitFor({ timeout: 60_000 });
    const texts = await b.locator('.message .content').allInnerTexts();
    expect(texts.filter((t) => t !== '')).toEqual(['before the outage', ...missed]);
  });
});
