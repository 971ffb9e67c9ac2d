/**
 * Browser E2E of the Copy buttons and of where notices (toasts) show:
 * - with a clipboard, Copy in the invite dialog puts the link on it and the button says "Copied" for a moment;
 * - without one (a server reached over plain http is not a secure context, so the page has no `navigator.clipboard`;
 *   stood in for by an init script), Copy selects the link and says to press Ctrl+C, to screen readers from inside the
 *   dialog and in a notice shown above the modal dialog it came from (it used to sit behind it); in a 400 px window the
 *   notice covers neither the composer, the chat header's buttons, the channel's "New messages" bar, nor the user
 *   controls at the foot of the channel drawer. The pointer on the notice keeps it; axe on it in both themes once the dialog is closed.
 */
import type { Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, registerUser, rest, signIn, type E2eUser } from './moderation-support';
import { useBrowserSession } from './web-stack';

const e2e = useBrowserSession();
const suffix = Math.random().toString(36).slice(2, 7);
const GUILD = `Copy Lab ${suffix}`;
let A: E2eUser;
let B: E2eUser;
let guildId: string;

beforeAll(async () => {
  A = await registerUser(e2e.server.url, `copy_${suffix}`, 'Casey');
  B = await registerUser(e2e.server.url, `copy_b_${suffix}`, 'Dana');
  const guild = await rest<{ id: string }>(e2e.server.url, 'POST', '/guilds', A.token, { name: GUILD });
  expect(guild.status).toBe(201);
  guildId = guild.body.id;
  // An invite to offer: the dialog shows the user's existing one. Dana joins with it, to write in #general.
  const invite = await rest<{ code: string }>(e2e.server.url, 'POST', `/guilds/${guildId}/invites`, A.token, {});
  expect(invite.status).toBe(201);
  expect((await rest(e2e.server.url, 'POST', `/invites/${invite.body.code}`, B.token)).status).toBe(200);
});

async function openGuild(page: Page): Promise<void> {
  await signIn(page, e2e.server.url, A);
  await page
    .getByRole('navigation', { name: 'Servers' })
    .getByRole('button', { name: new RegExp(`^${GUILD}`) })
    .click();
  await page.getByLabel('Message #general').waitFor();
}

/** The rectangle of `locator`, which must be on screen. */
async function box(locator: Locator, label: string) {
  const b = await locator.boundingBox();
  expect(b, `${label} is on screen`).not.toBeNull();
  return b!;
}

/** Whether two rectangles share any area. */
function overlap(a: { x: number; y: number; width: number; height: number }, b: typeof a): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/**
 * Whether the notice `toast` is painted on top: the screen shows its coloured left border in its own colour, not
 * dimmed by a modal dialog's backdrop. (Hit testing cannot tell: what lies outside an open modal dialog is inert, and
 * elementFromPoint passes over it even where it is painted above the dialog.)
 */
async function paintedOnTop(page: Page, toast: Locator): Promise<{ onScreen: number[]; own: number[] }> {
  const b = await box(toast, 'the notice');
  const own = await toast.evaluate((el) => {
    const probe = document.createElement('canvas').getContext('2d')!;
    probe.fillStyle = getComputedStyle(el).borderLeftColor;
    probe.fillRect(0, 0, 1, 1);
    return [...probe.getImageData(0, 0, 1, 1).data.slice(0, 3)];
  });
  const shot = await page.screenshot();
  const { data, info } = await sharp(shot).raw().toBuffer({ resolveWithObject: true });
  const at = (Math.round(b.y + b.height / 2) * info.width + Math.round(b.x + 2)) * info.channels;
  return { onScreen: [data[at]!, data[at + 1]!, data[at + 2]!], own };
}

async function expectOnTop(page: Page, toast: Locator, label: string): Promise<void> {
  const { onScreen, own } = await paintedOnTop(page, toast);
  const far = onScreen.map((v, i) => Math.abs(v - own[i]!));
  expect(
    Math.max(...far),
    `${label}: the notice's border on screen ${onScreen.join(',')}, its colour ${own.join(',')}`,
  ).toBeLessThanOrEqual(16);
}

describe('copy buttons and notices', () => {
  it('when the page has a clipboard, then Copy in the invite dialog puts the link on it and says Copied for a moment', async () => {
    const ctx = await e2e.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await ctx.newPage();
    await openGuild(page);
    await page.getByRole('button', { name: 'Invite people' }).click();
    const dialog = page.getByRole('dialog', { name: `Invite friends to ${GUILD}` });
    const link = dialog.locator('input[data-invite-code]');
    await link.waitFor();
    // From the keyboard.
    await dialog.getByRole('button', { name: 'Copy', exact: true }).focus();
    await page.keyboard.press('Enter');
    await dialog.getByRole('button', { name: 'Copied' }).waitFor();
    // The announcement first: it is there only while the button says Copied (2 s).
    expect(await dialog.getByRole('status').filter({ hasText: 'The link was copied to the clipboard.' }).count()).toBe(1);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await link.inputValue());
    // …and goes back to Copy.
    await dialog.getByRole('button', { name: 'Copy', exact: true }).waitFor({ timeout: 5_000 });
    await ctx.close();
  });

  it('when the page has no clipboard, then Copy selects the link and a notice above the dialog says to press Ctrl+C, clear of the composer, the New messages bar and the controls at 400 px', async () => {
    const ctx = await e2e.newContext();
    await ctx.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined, configurable: true });
    });
    const page = await ctx.newPage();
    await openGuild(page);
    expect(await page.evaluate(() => navigator.clipboard)).toBeUndefined();
    // #general shows its "New messages" bar: 30 messages from Dana, marked unread from the tenth (the divider above it
    // scrolled out of view): 21 new.
    const general = (
      await rest<{ items: { id: string; type: string }[] }>(e2e.server.url, 'GET', `/guilds/${guildId}/channels`, A.token)
    ).body.items.find((c) => c.type === 'text')!.id;
    for (let i = 1; i <= 30; i++)
      expect((await rest(e2e.server.url, 'POST', `/channels/${general}/messages`, B.token, { content: `line ${i}` })).status).toBe(201);
    const line = (n: number) =>
      page.locator('article.message').filter({ has: page.locator('.content', { hasText: new RegExp(`^line ${n}$`) }) });
    await line(30).waitFor();
    await line(10).focus();
    await line(10).getByRole('button', { name: 'Mark unread' }).click();
    await line(30).scrollIntoViewIfNeeded();
    const unreadBar = page.getByRole('region', { name: 'Unread messages' });
    await unreadBar.waitFor();
    // The notifications prompt is still unanswered: its banner sits between the header and the bar.
    await page.getByRole('region', { name: 'Desktop notifications' }).waitFor();
    await page.setViewportSize({ width: 400, height: 760 });
    // At 400 px the bar keeps to one line ("21 new · Jump · Mark as read"); screen readers still get it in full.
    expect((await box(unreadBar, 'the New messages bar')).height).toBeLessThan(36);
    expect(await unreadBar.getByRole('button', { name: 'Jump to first unread' }).count()).toBe(1);
    expect(await unreadBar.textContent()).toContain('21 new messages');

    await page.getByRole('button', { name: 'Show channels' }).click();
    await page.getByRole('complementary', { name: 'Channels' }).getByRole('button', { name: 'Invite people' }).click();
    const dialog = page.getByRole('dialog', { name: `Invite friends to ${GUILD}` });
    const link = dialog.locator('input[data-invite-code]');
    await link.waitFor();
    await dialog.getByRole('button', { name: 'Copy', exact: true }).click();

    // The link is selected in full, focused, ready for Ctrl+C.
    await expect
      .poll(() =>
        link.evaluate(
          (el: HTMLInputElement) => el === document.activeElement && el.selectionStart === 0 && el.selectionEnd === el.value.length,
        ),
      )
      .toBe(true);
    const notice = page.getByRole('region', { name: 'Notifications' }).locator('.toast', { hasText: "Couldn't copy here" });
    await notice.waitFor();
    expect(await notice.textContent()).toContain('press Ctrl+C');
    // Screen readers hear it from inside the dialog: the notice, outside the modal dialog, is inert while it is open.
    expect(await dialog.getByRole('status').filter({ hasText: "Couldn't copy here: the link is selected" }).count()).toBe(1);
    // It covers none of what stays in use at 400 px (the layout is fixed, so the boxes are those of the screen after the
    // dialog and drawer close): the composer, the chat header's buttons, the user controls at the drawer's foot.
    const noticeBox = await box(notice, 'the notice');
    for (const [label, part] of [
      ['the composer', page.getByLabel('Message #general')],
      ['Show channels', page.getByRole('button', { name: 'Show channels' })],
      ['Show member list', page.getByRole('button', { name: 'Show member list' })],
      ['the user controls', page.getByRole('region', { name: 'User controls' })],
      ['the New messages bar', unreadBar],
    ] as const) {
      expect(overlap(noticeBox, await box(part, label)), `the notice covers ${label}`).toBe(false);
    }
    expect(noticeBox.x).toBeGreaterThanOrEqual(0);
    expect(noticeBox.x + noticeBox.width).toBeLessThanOrEqual(400);
    // Above the modal dialog, not behind it.
    await expectOnTop(page, notice, 'over the invite dialog');
    // The dialog closed, the pointer on the notice holds it; axe then sees it (not inert), in both themes.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await notice.hover();
    await expectAccessible(page, '.toasts', 'a notice at 400 px');
    expect(await notice.isVisible()).toBe(true);
    await ctx.close();
  });
});
