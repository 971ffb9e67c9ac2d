/**
 * Browser E2E of the newer settings tabs in a 400 px wide window: user settings → Bots and API Tokens (with its Recent
 * activity list), server settings → Webhooks. Each has rows to show (a bot in a server, a personal token, a webhook),
 * nothing overflows the window horizontally, every button can be scrolled into view within the width, and axe finds
 * no serious or critical violation in either theme. The activity list is also used from the keyboard ("Show older").
 */
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, registerUser, rest, signIn, type E2eUser } from './moderation-support';
import { useBrowserSession } from './web-stack';

const e2e = useBrowserSession({ serverEnv: async () => ({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }) });
const suffix = Math.random().toString(36).slice(2, 7);
const NARROW = { width: 400, height: 800 };
let A: E2eUser;
let page: Page;
let guildName: string;

/**
 * Nothing in the page reaches past the window's width: the document does not scroll sideways, and every enabled
 * button of `region`, scrolled into view, lies within the width (a button pushed off to the side of a clipped box
 * could not be reached at all).
 */
async function expectFitsWidth(region: Locator, label: string): Promise<void> {
  const found = await region.evaluate((root) => {
    const width = window.innerWidth;
    const doc = document.scrollingElement ?? document.documentElement;
    const off: string[] = [];
    for (const b of root.querySelectorAll<HTMLElement>('button, [role="switch"], a[href]')) {
      if (b.closest('[hidden]') || b.getClientRects().length === 0) continue;
      b.scrollIntoView({ block: 'center', inline: 'nearest' });
      const r = b.getBoundingClientRect();
      if (r.left < -0.5 || r.right > width + 0.5) {
        off.push(
          `${b.tagName.toLowerCase()} "${(b.getAttribute('aria-label') ?? b.textContent ?? '').trim()}" at ${Math.round(r.left)}–${Math.round(r.right)}`,
        );
      }
    }
    root.scrollIntoView({ block: 'start', inline: 'start' });
    // What sticks out, innermost first (an element none of whose children stick out), to name the culprit in a failure.
    const sticksOut = (el: Element) => el.getBoundingClientRect().right > width + 0.5;
    const culprits = [...document.body.querySelectorAll('*')]
      .filter((el) => sticksOut(el) && ![...el.children].some(sticksOut))
      .slice(0, 5)
      .map((el) => {
        const path: string[] = [];
        for (let e: Element | null = el; e && path.length < 4; e = e.parentElement) {
          path.unshift(`${e.tagName.toLowerCase()}${e.classList.length ? `.${[...e.classList].join('.')}` : ''}`);
        }
        return `${path.join(' > ')} right=${Math.round(el.getBoundingClientRect().right)}`;
      });
    return { scrollWidth: doc.scrollWidth, width, off, culprits, buttons: root.querySelectorAll('button').length };
  });
  expect(found.buttons, `${label}: buttons to check`).toBeGreaterThan(0);
  expect(found.scrollWidth, `${label}: the document scrolls sideways (${found.culprits.join('; ')})`).toBeLessThanOrEqual(found.width);
  expect(found.off, `${label}: buttons out of reach`).toEqual([]);
}

describe('settings tabs in a 400 px window', () => {
  beforeAll(async () => {
    A = await registerUser(e2e.server.url, `narrow_${suffix}`, 'Narrow Alice');
    guildName = 'A server with a rather long name for narrow windows';
    const guildId = (await rest<{ id: string }>(e2e.server.url, 'POST', '/guilds', A.token, { name: guildName })).body.id;
    const bot = await rest<{ bot: { id: string } }>(e2e.server.url, 'POST', '/users/@me/bots', A.token, {
      name: 'A bot whose name is long enough to wrap',
    });
    expect((await rest(e2e.server.url, 'PUT', `/guilds/${guildId}/bots/${bot.body.bot.id}`, A.token)).status).toBe(204);
    // Thirteen entries in the account audit log, more than one page of Recent activity: a bot with its token, five tokens
    // made and revoked, one kept.
    for (let i = 0; i < 5; i++) {
      const made = await rest<{ apiToken: { id: string } }>(e2e.server.url, 'POST', '/users/@me/api-tokens', A.token, {
        name: `nightly export ${i}`,
        scopes: ['messages:read'],
        expiresInDays: 30,
      });
      await rest(e2e.server.url, 'DELETE', `/users/@me/api-tokens/${made.body.apiToken.id}`, A.token);
    }
    const kept = await rest(e2e.server.url, 'POST', '/users/@me/api-tokens', A.token, {
      name: 'a-token-name-without-any-spaces-to-break-it',
      scopes: ['guilds:read', 'messages:read', 'messages:write', 'voice:join'],
      expiresInDays: null,
    });
    expect(kept.status).toBe(201);
    const hook = await rest(e2e.server.url, 'POST', `/guilds/${guildId}/webhooks`, A.token, {
      name: 'Deploy notifications for a long channel name',
      url: 'http://127.0.0.1:9/a/rather/long/path/that/does/not/fit/in/four/hundred/pixels/at/all',
      events: ['message.created'],
    });
    expect(hook.status).toBe(201);
    const ctx = await e2e.newContext();
    page = await ctx.newPage();
    page.on('pageerror', (err) => console.error(`[page error] ${err.message}`));
    await signIn(page, e2e.server.url, A);
  });

  it('when user settings are open at 400 px, then the Bots and API Tokens tabs fit, pass axe in both themes and show recent activity', async () => {
    await page.getByRole('button', { name: 'User settings' }).click();
    await page.setViewportSize(NARROW);

    await page.getByRole('tab', { name: 'Bots' }).click();
    const bots = page.getByRole('tabpanel', { name: 'Bots' });
    await bots.getByRole('button', { name: `Remove A bot whose name is long enough to wrap from ${guildName}` }).waitFor();
    await expectFitsWidth(bots, 'Bots');
    await expectAccessible(page, '.bots-panel', 'Bots settings at 400 px');

    await page.getByRole('tab', { name: 'API Tokens' }).click();
    const tokens = page.getByRole('tabpanel', { name: 'API Tokens' });
    await tokens.getByRole('button', { name: 'Revoke a-token-name-without-any-spaces-to-break-it' }).waitFor();
    const activity = tokens.getByRole('region', { name: 'Recent activity' });
    const rows = activity.getByRole('listitem');
    await rows.first().waitFor();
    // Newest first, one page of ten: the kept token's creation, then the five made and revoked before it.
    expect(await rows.first().textContent()).toContain('Created API token “a-token-name-without-any-spaces-to-break-it”');
    expect(await rows.first().textContent()).toContain('by you');
    await expect.poll(() => rows.count()).toBe(10);
    await expectFitsWidth(tokens, 'API Tokens');
    await expectAccessible(page, '.bots-panel', 'API tokens settings at 400 px');

    // Older entries, from the keyboard.
    await activity.getByRole('button', { name: 'Show older activity' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => rows.count()).toBe(13);
    expect(await rows.last().textContent()).toContain('Created bot “A bot whose name is long enough to wrap”');
    await expect.poll(() => activity.getByRole('button', { name: 'Show older activity' }).count()).toBe(0);
    await page.keyboard.press('Escape');
  });

  it('when server settings are open at 400 px, then the Webhooks tab fits and passes axe in both themes', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    // The user settings of the test before may still be open when it failed half-way.
    if ((await page.locator('dialog[open]').count()) > 0) await page.keyboard.press('Escape');
    await page.getByRole('complementary', { name: 'Channels' }).getByRole('button', { name: guildName, exact: true }).click();
    await page.getByRole('menuitem', { name: 'Server settings' }).click();
    await page.setViewportSize(NARROW);
    const dialog = page.locator('dialog[open]').last();
    await dialog.getByRole('tab', { name: 'Webhooks', exact: true }).click();
    await dialog.getByRole('heading', { name: 'Webhooks' }).waitFor();
    await dialog.getByRole('switch', { name: 'Enable webhook Deploy notifications for a long channel name' }).waitFor();
    await expectFitsWidth(dialog, 'Webhooks');
    await expectAccessible(page, 'dialog[open]', 'Webhooks settings at 400 px');
  });
});
