/**
 * Browser E2E of server settings → Webhooks: the owner adds a webhook with the keyboard (name, URL, event
 * checkboxes), copies the secret shown once, a message reaches a loopback receiver signed with that secret, the
 * delivery log shows it, a redelivery sends it again, and the switch turns the webhook off. axe-core checks the tab
 * in both themes; the screenshot is docs/screenshots/webhook-settings.png.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait';
import { expectNoSeriousViolationsInBothThemes } from './axe';
import { SHOTS, useBrowserSession } from './web-stack';

const received: { headers: IncomingHttpHeaders; body: string }[] = [];
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
    res.statusCode = 204;
    res.end();
  });
});
beforeAll(() => new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done)));
afterAll(() => new Promise<void>((done) => receiver.close(() => done())));

const e2e = useBrowserSession({
  serverEnv: async () => ({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', WEBHOOK_MAX_ATTEMPTS: '2', WEBHOOK_BACKOFF_BASE_MS: '200' }),
});
const suffix = Math.random().toString(36).slice(2, 7);
const owner = { username: `hooks_${suffix}`, displayName: 'Hook Owner', password: 'correct horse battery' };

async function rest(method: string, path: string, token: string | null, body?: unknown) {
  const res = await fetch(`${e2e.server.url}/api/v1${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- fields are checked where they are read
  return { status: res.status, data: (text ? JSON.parse(text) : {}) as any };
}

function verifies(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const mac = createHmac('sha256', key)
    .update(`${String(headers['webhook-id'])}.${String(headers['webhook-timestamp'])}.${body}`)
    .digest('base64');
  return String(headers['webhook-signature']).split(' ').includes(`v1,${mac}`);
}

const dialog = (page: Page) => page.locator('dialog[open]').last();

describe('server settings: webhooks', () => {
  it('when the owner adds a webhook with the keyboard, then its secret is shown once, signed deliveries arrive and the log offers redelivery', async () => {
    const ctx = await e2e.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    page.on('pageerror', (err) => console.error(`[page error] ${err.message}`));
    await page.goto(`${e2e.server.url}/app/`);
    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByLabel('Username').fill(owner.username);
    await page.getByLabel('Display name').fill(owner.displayName);
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('region', { name: 'User controls' }).waitFor();
    const login = await rest('POST', '/auth/login', null, { username: owner.username, password: owner.password });
    const token: string = login.data.accessToken;
    const guild = await rest('POST', '/guilds', token, { name: 'Hook Lab' });
    const textId: string = (await rest('GET', `/guilds/${guild.data.id}/channels`, token)).data.items.find(
      (c: { type: string }) => c.type === 'text',
    ).id;
    await page.getByRole('heading', { name: 'Hook Lab', exact: true }).waitFor();

    await page.getByRole('complementary', { name: 'Channels' }).getByRole('button', { name: 'Hook Lab', exact: true }).click();
    await page.getByRole('menuitem', { name: 'Server settings' }).click();
    const webhooksTab = dialog(page).getByRole('tab', { name: 'Webhooks', exact: true });
    await webhooksTab.click();
    await dialog(page).getByRole('heading', { name: 'Webhooks' }).waitFor();

    // The form, by keyboard only: type the name, Tab to the URL, Tab through the event checkboxes toggling with Space.
    const form = dialog(page).getByRole('form', { name: 'Create a webhook' });
    await form.getByLabel('Name').focus();
    await page.keyboard.type('Audit bot');
    await page.keyboard.press('Tab');
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).toBe('url');
    await page.keyboard.type(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/in`);
    await page.keyboard.press('Tab'); // "Message sent", already checked
    await page.keyboard.press('Tab'); // "Member joined"
    await page.keyboard.press('Space');
    expect(await form.getByRole('checkbox', { name: /Member joined/ }).isChecked()).toBe(true);
    await page.keyboard.press('Enter');

    const secretField = dialog(page).locator('[data-webhook-secret]');
    await secretField.waitFor();
    const secret = await secretField.inputValue();
    expect(secret).toMatch(/^whsec_/);
    const row = dialog(page).locator('tr[data-webhook]', { hasText: 'Audit bot' });
    await row.waitFor();

    // A message reaches the receiver signed with the secret the settings showed.
    expect((await rest('POST', `/channels/${textId}/messages`, token, { content: 'hello from the e2e' })).status).toBe(201);
    const delivery = await waitFor('a delivery', async () => received.find((r) => r.body.includes('hello from the e2e')), 15_000);
    expect(verifies(secret, delivery.headers, delivery.body)).toBe(true);

    // Delivery log, opened and used with the keyboard.
    await row.getByRole('button', { name: 'Deliveries of Audit bot' }).focus();
    await page.keyboard.press('Enter');
    const log = dialog(page).getByRole('region', { name: 'Delivery log of Audit bot' });
    await log.getByRole('cell', { name: 'HTTP 204' }).first().waitFor();
    await expectNoSeriousViolationsInBothThemes(page, 'server settings: webhooks with secret and delivery log');
    await page.screenshot({ path: resolve(SHOTS, 'webhook-settings.png') });

    await log.getByRole('button', { name: /^Redeliver Message sent event/ }).focus();
    await page.keyboard.press('Enter');
    await log.getByText('Queued for redelivery').waitFor();
    const webhookId = String(delivery.headers['webhook-id']);
    await waitFor(
      'the redelivery',
      async () => (received.filter((r) => r.headers['webhook-id'] === webhookId).length >= 2 ? true : undefined),
      15_000,
    );

    // The secret goes away with Done and is not shown again.
    await dialog(page).getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => secretField.count()).toBe(0);

    // The switch turns the webhook off, on the server too.
    const toggle = row.getByRole('switch', { name: 'Enable webhook Audit bot' });
    await toggle.focus();
    await page.keyboard.press('Space');
    await expect.poll(async () => (await rest('GET', `/guilds/${guild.data.id}/webhooks`, token)).data.items[0]?.enabled).toBe(false);
    // The switch shows the server's answer, which the page applies a moment after the server stored it.
    await expect.poll(() => toggle.isChecked()).toBe(false);
  });
});
