/**
 * Browser E2E of the guild's structure: A owns a guild, B is a plain member. A creates a category and moves a
 * channel into it with the keyboard (dnd-kit's keyboard sensor); B sees the new order live. A makes a hoisted role
 * and gives it to B, who then shows under that heading in A's member list. B's join posts a system line in the
 * system channel. B has no drag handles and no category creation, and the server refuses B's reorder.
 * axe-core checks the changed screens in both themes.
 */
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousViolationsInBothThemes } from './axe';
import { SHOTS, useBrowserSession } from './web-stack';

const e2e = useBrowserSession();
const suffix = Math.random().toString(36).slice(2, 7);
const alice = { username: `alice_${suffix}`, displayName: 'Alice', password: 'correct horse battery' };
const bob = { username: `bob_${suffix}`, displayName: 'Bob', password: 'correct horse battery' };

async function newPage(): Promise<Page> {
  const ctx = await e2e.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  page.on('pageerror', (err) => console.error(`[page error] ${err.message}`));
  return page;
}

async function register(page: Page, who: typeof alice, fromInvite = false) {
  if (!fromInvite) await page.getByRole('button', { name: 'Register' }).click();
  await page.getByLabel('Username').fill(who.username);
  await page.getByLabel('Display name').fill(who.displayName);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('region', { name: 'User controls' }).waitFor();
}

interface Body {
  id: string;
  code: string;
  accessToken: string;
  user: { id: string };
  items: { id: string; type: string; name: string; parentId: string | null; position: number }[];
}

async function rest(method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; data: Body }> {
  const res = await fetch(`${e2e.server.url}/api/v1${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, data: (text ? JSON.parse(text) : {}) as Body };
}

async function login(who: typeof alice): Promise<{ token: string; id: string }> {
  const r = await rest('POST', '/auth/login', null, { username: who.username, password: who.password });
  expect(r.status).toBe(200);
  return { token: r.data.accessToken, id: r.data.user.id };
}

const sidebar = (page: Page) => page.getByRole('complementary', { name: 'Channels' });
const guildMenu = (page: Page, name: string) => sidebar(page).getByRole('button', { name, exact: true });
const dialog = (page: Page) => page.locator('dialog[open]').last();
const liveRegion = (page: Page) => page.locator('[id^="DndLiveRegion"]');

/**
 * Presses an arrow key during a keyboard drag and waits (up to 3 s) for dnd-kit to announce the new place, so the
 * caller reads the announcement of this press, not the previous one (a fixed pause overshot on a busy machine). A move
 * that announces nothing new (the end of the list) just takes the 3 s.
 */
async function moveAndWaitForAnnouncement(page: Page, key: 'ArrowUp' | 'ArrowDown'): Promise<void> {
  const before = await liveRegion(page).textContent();
  await page.keyboard.press(key);
  await expect
    .poll(() => liveRegion(page).textContent(), { timeout: 3_000 })
    .not.toBe(before)
    .catch(() => undefined);
}

describe('guild structure', () => {
  it('when the owner arranges channels with the keyboard and hoists a role, then the member sees it live and cannot do either', async () => {
    const a = await newPage();
    await a.goto(`${e2e.server.url}/app/`);
    await register(a, alice);
    const A = await login(alice);
    const guild = (await rest('POST', '/guilds', A.token, { name: 'Structure Lab' })).data;
    const channels = async () => (await rest('GET', `/guilds/${guild.id}/channels`, A.token)).data.items;
    const general = (await channels()).find((c) => c.type === 'text')!;
    const invite = (await rest('POST', `/guilds/${guild.id}/invites`, A.token, {})).data;
    await a.getByRole('heading', { name: 'Structure Lab', exact: true }).waitFor();

    const b = await newPage();
    await b.goto(`${e2e.server.url}/app/#/invite/${invite.code}`);
    await register(b, bob, true);
    await b.getByRole('heading', { name: 'Structure Lab', exact: true }).waitFor();
    const B = await login(bob);

    // B's join is announced in the system channel (#general, the default), as a system line without an author menu.
    const joined = a.locator('.system-message', { hasText: 'Bob joined the server.' });
    await joined.waitFor({ timeout: 15_000 });
    expect(await joined.getByRole('button').count()).toBe(0);

    // B, a plain member: no drag handles, no category creation; the server refuses B's reorder.
    await sidebar(b)
      .getByRole('button', { name: /^general \(text channel\)/ })
      .waitFor();
    expect(await sidebar(b).locator('.drag-handle').count()).toBe(0);
    await guildMenu(b, 'Structure Lab').click();
    await b.getByRole('menuitem', { name: 'Invite people' }).waitFor();
    expect(await b.getByRole('menuitem', { name: 'Create category' }).count()).toBe(0);
    await b.keyboard.press('Escape');
    expect((await rest('PATCH', `/guilds/${guild.id}/channels`, B.token, { channels: [{ id: general.id, position: 3 }] })).status).toBe(
      403,
    );

    // A creates a category from the guild menu.
    await guildMenu(a, 'Structure Lab').click();
    await a.getByRole('menuitem', { name: 'Create category' }).click();
    await dialog(a).getByLabel('Category name').fill('Projects');
    await dialog(a).getByRole('button', { name: 'Create category' }).click();
    await dialog(a).waitFor({ state: 'detached' });
    const category = (await channels()).find((c) => c.type === 'category' && c.name === 'Projects')!;
    await b.locator(`section[data-category-id="${category.id}"]`).waitFor({ timeout: 15_000 });

    // A moves #general into it with the keyboard: focus the handle, Space lifts, arrows move, Space drops.
    const handle = sidebar(a).getByRole('button', { name: 'Move general', exact: true });
    await handle.focus();
    await a.keyboard.press('Space');
    // Lifted: dnd-kit announces the pick-up, then that it is over its own place.
    await expect.poll(() => liveRegion(a).textContent()).toMatch(/Picked up general|general is in its place/);
    for (let i = 0; i < 6 && !((await liveRegion(a).textContent()) ?? '').includes('over the top of category Projects'); i++) {
      await moveAndWaitForAnnouncement(a, 'ArrowDown');
    }
    expect(await liveRegion(a).textContent()).toContain('general is over the top of category Projects');
    await a.keyboard.press('Space');
    await expect.poll(async () => (await channels()).find((c) => c.id === general.id)?.parentId, { timeout: 15_000 }).toBe(category.id);
    // B sees it inside the category without a reload.
    await b
      .locator(`section[data-category-id="${category.id}"]`)
      .getByRole('button', { name: /^general \(text channel\)/ })
      .waitFor({ timeout: 15_000 });
    await sidebar(a)
      .locator(`section[data-category-id="${category.id}"]`)
      .getByRole('button', { name: /^general \(text channel\)/ })
      .waitFor();

    // With every channel in a category, a drop zone for the top level appears while dragging: #general goes back there.
    const voice = (await channels()).find((c) => c.type === 'voice')!;
    expect(
      (await rest('PATCH', `/guilds/${guild.id}/channels`, A.token, { channels: [{ id: voice.id, position: 1, parentId: category.id }] }))
        .status,
    ).toBe(200);
    await sidebar(a).locator(`section[data-category-id="${category.id}"] li[data-channel-id="${voice.id}"]`).waitFor({ timeout: 15_000 });
    await sidebar(a).getByRole('button', { name: 'Move general', exact: true }).focus();
    await a.keyboard.press('Space');
    await expect.poll(() => liveRegion(a).textContent()).toMatch(/Picked up general|general is in its place/);
    for (let i = 0; i < 4 && !((await liveRegion(a).textContent()) ?? '').includes('over the top level'); i++) {
      await moveAndWaitForAnnouncement(a, 'ArrowUp');
    }
    await a.keyboard.press('Space');
    await expect.poll(async () => (await channels()).find((c) => c.id === general.id)?.parentId, { timeout: 15_000 }).toBeNull();
    await b
      .locator(`section[data-category-id="${category.id}"] li[data-channel-id="${general.id}"]`)
      .waitFor({ state: 'detached', timeout: 15_000 });
    // … and into the category again, for the rest of the test.
    expect(
      (await rest('PATCH', `/guilds/${guild.id}/channels`, A.token, { channels: [{ id: general.id, position: 0, parentId: category.id }] }))
        .status,
    ).toBe(200);
    await sidebar(a).locator(`section[data-category-id="${category.id}"] li[data-channel-id="${general.id}"]`).waitFor({ timeout: 15_000 });

    // Collapsing the category is remembered across a reload (the open channel stays visible, as in Discord).
    const toggle = sidebar(a).getByRole('button', { name: 'Projects', exact: true });
    await toggle.press('Enter');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await a.reload();
    await a.getByRole('heading', { name: 'Structure Lab', exact: true }).waitFor();
    expect(await sidebar(a).getByRole('button', { name: 'Projects', exact: true }).getAttribute('aria-expanded')).toBe('false');
    await sidebar(a).getByRole('button', { name: 'Projects', exact: true }).click();
    expect(await sidebar(a).getByRole('button', { name: 'Projects', exact: true }).getAttribute('aria-expanded')).toBe('true');

    await sidebar(a).locator(`li[data-channel-id="${general.id}"]`).hover();
    await a.screenshot({ path: resolve(SHOTS, 'channel-sidebar-categories.png') });
    await expectNoSeriousViolationsInBothThemes(a, 'main screen with categories, drag handles and a join notice');

    // A makes a hoisted role "Crew" and gives it to B: A's member list shows B under "Crew — 1".
    await guildMenu(a, 'Structure Lab').click();
    await a.getByRole('menuitem', { name: 'Server settings' }).click();
    await dialog(a).getByRole('tab', { name: 'Overview' }).waitFor();
    await dialog(a).getByLabel('System messages channel').waitFor();
    expect(await dialog(a).getByLabel('System messages channel').inputValue()).toBe(general.id);
    await expectNoSeriousViolationsInBothThemes(a, 'server settings overview with the system channel');
    await dialog(a).getByRole('tab', { name: 'Roles', exact: true }).click();
    await dialog(a).getByRole('button', { name: 'Create role' }).click();
    await dialog(a).getByLabel('Role name').fill('Crew');
    await dialog(a).getByRole('switch', { name: 'Show members separately' }).check();
    await dialog(a).getByRole('switch', { name: 'Allow anyone to @mention this role' }).check();
    await dialog(a).getByRole('button', { name: 'Save changes' }).click();
    await dialog(a).getByRole('button', { name: 'Crew', exact: true }).waitFor();
    await dialog(a)
      .getByLabel('Member to give Crew')
      .selectOption({ label: `Bob (@${bob.username})` });
    await dialog(a).getByRole('button', { name: 'Add member' }).click();
    await dialog(a).getByRole('list', { name: 'Members with Crew' }).getByText('Bob', { exact: true }).waitFor();
    // Roles that can be dragged have a handle (and keep Move up / Move down).
    await dialog(a).getByRole('button', { name: 'Drag role Crew' }).waitFor();
    // A second role, below Crew: Move up puts it above; dragging it with the keyboard puts it back.
    const rolePositions = async () =>
      Object.fromEntries(
        ((await rest('GET', `/guilds/${guild.id}/roles`, A.token)).data.items as unknown as { name: string; position: number }[]).map(
          (r) => [r.name, r.position],
        ),
      );
    await dialog(a).getByRole('button', { name: 'Create role' }).click();
    // The editor switches to the new role once the server answered; typing before that would go to the old one.
    await dialog(a).getByRole('form', { name: 'Edit role new role' }).waitFor();
    await dialog(a).getByLabel('Role name').fill('Helpers');
    await dialog(a).getByRole('button', { name: 'Save changes' }).click();
    await dialog(a).getByRole('button', { name: 'Helpers', exact: true }).waitFor();
    expect((await rolePositions()).Helpers).toBeLessThan((await rolePositions()).Crew!);
    await dialog(a).getByRole('button', { name: 'Move Helpers up' }).click();
    await expect.poll(async () => (await rolePositions()).Helpers! > (await rolePositions()).Crew!).toBe(true);
    await dialog(a).getByRole('button', { name: 'Drag role Helpers' }).focus();
    await a.keyboard.press('Space');
    await a.waitForTimeout(150);
    await a.keyboard.press('ArrowDown');
    await a.waitForTimeout(150);
    await a.keyboard.press('Space');
    await expect.poll(async () => (await rolePositions()).Helpers! < (await rolePositions()).Crew!).toBe(true);
    await expect
      .poll(() =>
        dialog(a)
          .getByRole('list', { name: 'Roles' })
          .locator('.admin-role-name')
          .evaluateAll((els) => els.map((e) => e.textContent?.trim())),
      )
      .toEqual(['Crew', 'Helpers', '@everyone']);
    await dialog(a).getByRole('button', { name: 'Crew', exact: true }).click();
    await dialog(a)
      .locator('.admin-panel')
      .evaluate((el) => el.scrollTo(0, 0));
    await a.screenshot({ path: resolve(SHOTS, 'server-settings-roles-hoist.png') });
    await expectNoSeriousViolationsInBothThemes(a, 'server settings roles with hoist and mentionable');
    await a.keyboard.press('Escape');
    await dialog(a).waitFor({ state: 'detached' });

    const members = a.getByRole('complementary', { name: 'Members' });
    const crew = members.getByRole('region', { name: 'Crew, 1' });
    await crew.getByText('Bob', { exact: true }).waitFor({ timeout: 15_000 });
    expect(await members.locator('section h3').first().textContent()).toBe('Crew — 1');
    // B mentions the role by name; the message is highlighted for B's fellow role holders (here: B sees its own pill).
    const composer = b.getByRole('combobox', { name: /Message #general/ });
    await composer.fill('ping @Crew please');
    await composer.press('Enter');
    const mentioned = a.locator('.message', { hasText: 'please' });
    await mentioned.locator('.mention.role', { hasText: '@Crew' }).waitFor({ timeout: 15_000 });
    await a.screenshot({ path: resolve(SHOTS, 'member-list-hoisted.png') });
  });
});
