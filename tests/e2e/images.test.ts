/**
 * Browser E2E of avatars and server icons against the real stack: A chooses a picture, crops it with the keyboard and
 * the zoom slider, saves, and B sees A's avatar without a reload; the owner sets a server icon and both rails show it;
 * the crop dialog, the avatar section and the icon section pass axe in both themes.
 */
import { resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, registerUser, rest, signIn, type E2eUser } from './moderation-support';
import { SHOTS, useBrowserSession } from './web-stack';

const e2e = useBrowserSession();
const suffix = Math.random().toString(36).slice(2, 7);
const GUILD = 'Image Lab';
let A: E2eUser;
let B: E2eUser;
let guildId: string;
let a: Page;
let b: Page;

/** A 600×400 picture (a sunset over a hill), made here as a PNG: what a user would pick from disk. */
function picture(sky: string, ground: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="400">
    <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${sky}"/><stop offset="1" stop-color="#ffd27f"/></linearGradient></defs>
    <rect width="600" height="400" fill="url(#g)"/><circle cx="300" cy="210" r="90" fill="#fff3b0"/>
    <ellipse cx="300" cy="430" rx="420" ry="150" fill="${ground}"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

async function newPage(): Promise<Page> {
  const ctx = await e2e.newContext();
  const page = await ctx.newPage();
  page.on('pageerror', (err) => console.error(`[page error] ${err.message}`));
  return page;
}

const memberRow = (page: Page, name: string) =>
  page.getByRole('complementary', { name: 'Members' }).locator('li.member-row', { hasText: name });
const topDialog = (page: Page) => page.locator('dialog[open]').last();
/** The natural width of the <img> once it has decoded (0 before, and for a 404 or a broken image). */
const loadedWidth = (img: Locator) => img.evaluate((el) => ((el as HTMLImageElement).complete ? (el as HTMLImageElement).naturalWidth : 0));

describe('avatars and server icons in the web client', () => {
  beforeAll(async () => {
    A = await registerUser(e2e.server.url, `aimg_${suffix}`, 'Alice');
    B = await registerUser(e2e.server.url, `bimg_${suffix}`, 'Bob');
    guildId = (await rest<{ id: string }>(e2e.server.url, 'POST', '/guilds', A.token, { name: GUILD })).body.id;
    const code = (await rest<{ code: string }>(e2e.server.url, 'POST', `/guilds/${guildId}/invites`, A.token, {})).body.code;
    expect((await rest(e2e.server.url, 'POST', `/invites/${code}`, B.token)).status).toBe(200);
    a = await newPage();
    b = await newPage();
    await signIn(a, e2e.server.url, A);
    await signIn(b, e2e.server.url, B);
    await memberRow(b, 'Alice').waitFor({ timeout: 15_000 });
  });

  it("when A uploads a cropped avatar, then B sees it in the member list and on A's messages without a reload", async () => {
    await a.getByLabel('Message #general').fill('hello with a face');
    await a.getByLabel('Message #general').press('Enter');
    await b.locator('.message', { hasText: 'hello with a face' }).waitFor({ timeout: 15_000 });
    await b.evaluate(() => {
      (window as unknown as { __marker?: number }).__marker = 1;
    });

    await a.getByRole('button', { name: 'User settings' }).click();
    await a.getByRole('tab', { name: 'My Account' }).click();
    const panel = a.getByRole('tabpanel', { name: 'My Account' });
    const section = panel.getByRole('region', { name: 'Avatar' });
    await section.getByRole('button', { name: 'Upload avatar' }).waitFor();
    await section
      .locator('input[type=file]')
      .setInputFiles({ name: 'sunset.png', mimeType: 'image/png', buffer: await picture('#ff7a59', '#2e7d32') });

    const crop = topDialog(a);
    await crop.getByRole('heading', { name: 'Crop your avatar' }).waitFor();
    const area = crop.getByRole('img', { name: 'Crop area' });
    await area.waitFor();
    // Keyboard: zoom in with +, move with the arrows; then the slider.
    await area.focus();
    await a.keyboard.press('+');
    await a.keyboard.press('+');
    await a.keyboard.press('ArrowLeft');
    await a.keyboard.press('ArrowUp');
    const zoom = crop.getByLabel('Zoom');
    expect(Number(await zoom.inputValue())).toBeCloseTo(1.2, 5);
    await zoom.fill('1.5');
    expect(Number(await zoom.inputValue())).toBeCloseTo(1.5, 5);
    // The live preview has drawn something, and dragging the picture changes it.
    const preview = crop.locator('.crop-preview canvas').first();
    const pixels = () => preview.evaluate((c) => (c as HTMLCanvasElement).toDataURL());
    const blank = await preview.evaluate((c) => {
      const data = (c as HTMLCanvasElement)
        .getContext('2d')
        ?.getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height).data;
      return !data?.some((v, i) => i % 4 === 3 && v > 0);
    });
    expect(blank).toBe(false);
    const before = await pixels();
    const box = await area.boundingBox();
    if (!box) throw new Error('the crop area has no box');
    await a.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await a.mouse.down();
    await a.mouse.move(box.x + box.width / 2 + 40, box.y + box.height / 2 + 30, { steps: 5 });
    await a.mouse.up();
    await expect.poll(pixels).not.toBe(before);
    await a.screenshot({ path: resolve(SHOTS, 'avatar-crop.png') });
    await expectAccessible(a, '.image-crop-dialog', 'avatar crop dialog');

    await crop.getByRole('button', { name: 'Save' }).click();
    await section.getByText('Avatar saved.').waitFor({ timeout: 15_000 });
    // The crop dialog closed (the settings dialog under it stays).
    expect(await a.locator('dialog.image-crop-dialog[open]').count()).toBe(0);

    const me = await rest<{ avatar: string | null }>(e2e.server.url, 'GET', '/users/@me', A.token);
    expect(me.body.avatar).toMatch(/^[0-9a-f]{32}$/);
    const hash = me.body.avatar ?? '';

    // B: the member list and A's message show the new picture, loaded (a 404 would never decode), in the same document.
    const rowImg = memberRow(b, 'Alice').locator(`.avatar[data-avatar="${hash}"] img`);
    await rowImg.waitFor({ timeout: 15_000 });
    await expect.poll(() => loadedWidth(rowImg), { timeout: 10_000 }).toBe(256);
    await b.locator('.message', { hasText: 'hello with a face' }).locator(`.avatar[data-avatar="${hash}"] img`).waitFor();
    expect(await b.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(1);
    // A's own user panel too.
    await a.getByRole('region', { name: 'User controls' }).locator(`.avatar[data-avatar="${hash}"]`).waitFor();

    await section.getByRole('button', { name: 'Remove avatar' }).waitFor();
    await a.screenshot({ path: resolve(SHOTS, 'my-account-avatar.png') });
    await expectAccessible(a, '.avatar-section', 'avatar section');
    await b.screenshot({ path: resolve(SHOTS, 'avatars-member-list.png') });
  });

  it('when A removes the avatar, then B sees the initial again', async () => {
    const section = a.getByRole('tabpanel', { name: 'My Account' }).getByRole('region', { name: 'Avatar' });
    await section.getByRole('button', { name: 'Remove avatar' }).click();
    await section.getByText('Avatar removed.').waitFor();
    await expect.poll(() => memberRow(b, 'Alice').locator('.avatar img').count(), { timeout: 15_000 }).toBe(0);
    expect(await memberRow(b, 'Alice').locator('.avatar').innerText()).toContain('A');
    await a.keyboard.press('Escape');
  });

  it('when the owner sets a server icon, then both rails show it; B has no server settings and the server refuses B', async () => {
    await a.getByRole('complementary', { name: 'Channels' }).getByRole('button', { name: GUILD, exact: true }).click();
    await a.getByRole('menuitem', { name: 'Server settings' }).click();
    const settings = topDialog(a);
    await settings.getByRole('tab', { name: 'Overview' }).waitFor();
    const field = settings.getByRole('region', { name: 'Server icon' });
    await field
      .locator('input[type=file]')
      .setInputFiles({ name: 'icon.png', mimeType: 'image/png', buffer: await picture('#5865f2', '#1b5e20') });
    const crop = topDialog(a);
    await crop.getByRole('heading', { name: 'Crop the server icon' }).waitFor();
    await crop.getByRole('img', { name: 'Crop area' }).waitFor();
    await crop.getByRole('button', { name: 'Save' }).click();
    await field.getByText('Icon saved.').waitFor({ timeout: 15_000 });
    await field.getByRole('img', { name: `${GUILD} icon` }).waitFor();

    const icon = (await rest<{ icon: string | null }>(e2e.server.url, 'GET', `/guilds/${guildId}`, A.token)).body.icon;
    expect(icon).toMatch(/^[0-9a-f]{32}$/);
    for (const page of [a, b]) {
      const railImg = page.getByRole('navigation', { name: 'Servers' }).locator(`img[data-icon="${icon}"]`);
      await railImg.waitFor({ timeout: 15_000 });
      await expect.poll(() => loadedWidth(railImg), { timeout: 10_000 }).toBe(256);
    }
    // The rail button keeps its name (the picture is decorative).
    await b.getByRole('navigation', { name: 'Servers' }).getByRole('button', { name: GUILD }).waitFor();
    await a.screenshot({ path: resolve(SHOTS, 'server-settings-icon.png') });
    await expectAccessible(a, '.guild-icon-field', 'server icon section');
    await expectAccessible(a, '.guild-rail', 'guild rail with icon');

    await b.getByRole('complementary', { name: 'Channels' }).getByRole('button', { name: GUILD, exact: true }).click();
    expect(await b.getByRole('menuitem', { name: 'Server settings' }).count()).toBe(0);
    await b.keyboard.press('Escape');
    expect((await rest(e2e.server.url, 'DELETE', `/guilds/${guildId}/icon`, B.token)).status).toBe(403);
  });
});
