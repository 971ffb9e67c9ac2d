/**
 * Browser E2E of user settings → Bots and API tokens against the real stack: A creates a bot with the keyboard, copies
 * its token (shown once), adds it to a server, and the bot's message shows with a BOT tag; resetting the token refuses
 * the old one; A creates a scoped API token and revokes it, and Recent activity lists both. Both screens pass axe in
 * both themes.
 */
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, registerUser, rest, signIn, type E2eUser } from './moderation-support';
import { SHOTS, useBrowserSession } from './web-stack';

const e2e = useBrowserSession();
const suffix = Math.random().toString(36).slice(2, 7);
let A: E2eUser;
let a: Page;
let guildId: string;
let textId: string;

describe('bots and API tokens in user settings', () => {
  beforeAll(async () => {
    A = await registerUser(e2e.server.url, `abots_${suffix}`, 'Alice');
    guildId = (await rest<{ id: string }>(e2e.server.url, 'POST', '/guilds', A.token, { name: 'Bot Lab' })).body.id;
    const channels = await rest<{ items: { id: string; type: string }[] }>(e2e.server.url, 'GET', `/guilds/${guildId}/channels`, A.token);
    textId = channels.body.items.find((c) => c.type === 'text')?.id ?? '';
    const ctx = await e2e.newContext();
    a = await ctx.newPage();
    a.on('pageerror', (err) => console.error(`[page error] ${err.message}`));
    await signIn(a, e2e.server.url, A);
  });

  it('when A creates a bot with the keyboard and adds it to a server, then its token works once copied and its messages carry a BOT tag', async () => {
    await a.getByRole('button', { name: 'User settings' }).click();
    await a.getByRole('tab', { name: 'Bots' }).click();
    const panel = a.getByRole('tabpanel', { name: 'Bots' });
    await panel.getByLabel('New bot’s name').focus();
    await a.keyboard.type('Helper');
    await a.keyboard.press('Enter');
    const secret = panel.getByRole('textbox', { name: 'Token of Helper', exact: true });
    await secret.waitFor();
    const token = await secret.inputValue();
    expect(token).toMatch(/^pbt_/);

    await panel.getByLabel('Server', { exact: true }).selectOption({ label: 'Bot Lab' });
    await panel.getByRole('button', { name: 'Add to server' }).click();
    await panel.getByText('Helper was added to Bot Lab.').waitFor();
    await panel.getByRole('button', { name: 'Remove Helper from Bot Lab' }).waitFor();

    await a.screenshot({ path: resolve(SHOTS, 'bot-settings.png') });
    await expectAccessible(a, '.bots-panel', 'bots settings');

    const sent = await rest(e2e.server.url, 'POST', `/channels/${textId}/messages`, token, { content: 'hello from Helper' });
    expect(sent.status).toBe(201);
    await a.keyboard.press('Escape');
    const message = a.locator('.message', { hasText: 'hello from Helper' });
    await message.locator('.bot-tag').waitFor({ timeout: 15_000 });
    await a.getByRole('complementary', { name: 'Members' }).locator('li.member-row', { hasText: 'Helper' }).locator('.bot-tag').waitFor();

    // Reset: a new token is shown, the old one is refused.
    await a.getByRole('button', { name: 'User settings' }).click();
    await a.getByRole('tab', { name: 'Bots' }).click();
    await panel.getByRole('button', { name: 'Reset token of Helper' }).click();
    await panel.getByText('Helper has a new token; the old one no longer works.').waitFor();
    const fresh = await panel.getByRole('textbox', { name: 'Token of Helper', exact: true }).inputValue();
    expect(fresh).not.toBe(token);
    expect((await rest(e2e.server.url, 'GET', '/users/@me', token)).status).toBe(401);
    expect((await rest(e2e.server.url, 'GET', '/users/@me', fresh)).status).toBe(200);
  });

  it('when A creates an API token with chosen scopes and revokes it, then it is listed without its secret and then refused', async () => {
    await a.getByRole('tab', { name: 'API Tokens' }).click();
    const panel = a.getByRole('tabpanel', { name: 'API Tokens' });
    await panel.getByLabel('Token name').fill('backup script');
    await panel.getByRole('checkbox', { name: /messages:write/ }).focus();
    await a.keyboard.press('Space');
    await panel.getByLabel('Expires after').selectOption({ label: '7 days' });
    await panel.getByRole('button', { name: 'Create token' }).click();
    const token = await panel.getByRole('textbox', { name: 'Token backup script', exact: true }).inputValue();
    expect(token).toMatch(/^ppt_/);
    const row = panel.locator('li.token-row', { hasText: 'backup script' });
    await row.getByText(/messages:read, messages:write/).waitFor();
    expect(await row.textContent()).not.toContain(token.slice(-43));
    await expectAccessible(a, '.bots-panel', 'API tokens settings');
    expect((await rest(e2e.server.url, 'GET', `/channels/${textId}/messages`, token)).status).toBe(200);

    await panel.getByRole('button', { name: 'Done' }).click();
    await row.getByRole('button', { name: 'Revoke backup script' }).click();
    await panel.getByText('backup script was revoked.').waitFor();
    await row.waitFor({ state: 'detached' });
    expect((await rest(e2e.server.url, 'GET', `/channels/${textId}/messages`, token)).status).toBe(401);
    // Recent activity (the account's audit log) names both steps, newest first, and the bot made in the test before.
    const activity = panel.getByRole('region', { name: 'Recent activity' }).getByRole('listitem');
    await activity.filter({ hasText: 'Revoked API token “backup script”' }).waitFor();
    expect(await activity.first().textContent()).toContain('Revoked API token “backup script”');
    expect(await activity.nth(1).textContent()).toContain('Created API token “backup script”');
    await activity.filter({ hasText: 'Created bot “Helper”' }).waitFor();
  });
});
