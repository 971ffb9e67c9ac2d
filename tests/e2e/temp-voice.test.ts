/**
 * Browser E2E: a voice channel made "Join to create" in its settings (by keyboard), a click on it lands the user in a
 * voice channel of their own, and that channel disappears once they leave. axe checks the new switch and the sidebar
 * in both themes.
 */
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousViolationsInBothThemes } from './axe';
import { SHOTS, useBrowserSession } from './web-stack';

const e2e = useBrowserSession();
const suffix = Math.random().toString(36).slice(2, 7);
const PASSWORD = 'correct horse battery';

async function register(page: Page, username: string, displayName: string) {
  await page.getByRole('button', { name: 'Register' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Display name').fill(displayName);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('region', { name: 'User controls' }).waitFor();
}

describe('temporary voice channels', () => {
  it('when a member clicks a join-to-create channel, then they land in their own channel, which disappears after they leave', async () => {
    const ctx = await e2e.newContext();
    const a = await ctx.newPage();
    await a.setViewportSize({ width: 1280, height: 800 });
    await a.goto(`${e2e.server.url}/app/`);
    await register(a, `temp_a_${suffix}`, 'Tara');
    await a.getByRole('button', { name: 'Add a server' }).click();
    await a.getByLabel('Server name').fill('Temp Lab');
    await a.getByRole('button', { name: 'Create', exact: true }).click();
    await a.getByRole('heading', { name: 'Temp Lab' }).waitFor();
    await a.getByRole('button', { name: 'Add a channel' }).click();
    await a.locator('input[name="type"][value="voice"]').check();
    await a.getByLabel('Channel name').fill('New room');
    await a.getByRole('button', { name: 'Create Channel' }).click();
    await a.getByRole('button', { name: /^New room \(voice channel\)/ }).waitFor();

    // Channel settings: the Join to create switch, turned on from the keyboard.
    await a.getByRole('button', { name: 'Edit channel New room' }).click();
    const dialog = a.getByRole('dialog');
    const toggle = dialog.getByRole('switch', { name: 'Join to create' });
    await toggle.focus();
    await a.keyboard.press('Space');
    expect(await toggle.isChecked()).toBe(true);
    await expectNoSeriousViolationsInBothThemes(a, 'channel settings with Join to create');
    await a.screenshot({ path: resolve(SHOTS, 'channel-settings-join-to-create.png') });
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.getByText('Saved.').waitFor();
    await a.keyboard.press('Escape');

    const lobby = a.getByRole('button', { name: /^New room \(join to create a voice channel\)/ });
    await lobby.waitFor();
    await lobby.click();

    // Landed in a channel of their own, connected, listed in it; nobody in the join-to-create channel itself.
    const panel = a.getByRole('region', { name: 'Voice connection' });
    await expect.poll(() => panel.locator('.voice-where').innerText(), { timeout: 20_000 }).toContain("Tara's channel");
    await expect.poll(() => panel.getAttribute('data-state'), { timeout: 20_000 }).toBe('connected');
    const own = a.getByRole('button', { name: /^Tara's channel \(voice channel\)/ });
    await own.waitFor();
    await a.getByRole('list', { name: "In Tara's channel" }).locator('li.voice-user', { hasText: 'Tara' }).waitFor({ timeout: 15_000 });
    expect(await a.getByRole('list', { name: 'In New room' }).count()).toBe(0);
    // Theirs to manage: the settings gear shows on their own channel.
    await a.getByRole('button', { name: "Edit channel Tara's channel" }).waitFor();
    await a.mouse.move(700, 400);
    await expectNoSeriousViolationsInBothThemes(a, 'sidebar with a join-to-create channel and a temporary channel');
    await a.screenshot({ path: resolve(SHOTS, 'temp-voice-channel.png') });

    // Leaving empties it, and it goes.
    await a.getByRole('button', { name: 'Disconnect from voice' }).click();
    await own.waitFor({ state: 'detached', timeout: 30_000 });
    expect(await lobby.isVisible()).toBe(true);
  });
});
