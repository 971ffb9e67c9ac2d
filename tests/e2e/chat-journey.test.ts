/**
 * Browser E2E of issue 15's chat as two people use it, against the real stack: A replies to B with a message that
 * has markdown, a fenced code block, a link and a pasted image. B sees it rendered (bold, highlighted code, a real
 * link, the reply quote, the thumbnail) and reacts by keyboard; the reaction reaches A live. B has the app open on
 * two devices: reading the channel on one shows it read on the other without a reload. B's search finds the message.
 */
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousViolationsInBothThemes } from './axe';
import { registerUser, rest, signIn } from './moderation-support';
import { SHOTS, useBrowserSession } from './web-stack';

const e2e = useBrowserSession();
const suffix = Math.random().toString(36).slice(2, 7);

const row = (page: Page, channelId: string) => page.locator(`li.channel-row[data-channel-id="${channelId}"]`);
const isRowUnread = async (page: Page, channelId: string) => ((await row(page, channelId).getAttribute('class')) ?? '').includes('unread');
const openChannel = (page: Page, name: string) =>
  page
    .getByRole('complementary', { name: 'Channels' })
    .getByRole('button', { name: new RegExp(`^${name} \\(text channel\\)`) })
    .click();

async function openGuild(page: Page, name: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Servers' })
    .getByRole('button', { name: new RegExp(`^${name}`) })
    .click();
}

describe('a chat conversation with everything in it', () => {
  it('when A replies with markdown, code, a link and an image, then B sees it rendered, reacts live, reads it on one device for both, and finds it by search', async () => {
    const base = e2e.server.url;
    const A = await registerUser(base, `cj_a_${suffix}`, 'Alice');
    const B = await registerUser(base, `cj_b_${suffix}`, 'Bob');
    const guild = (await rest<{ id: string }>(base, 'POST', '/guilds', A.token, { name: 'Journey Guild' })).body;
    const channels = (await rest<{ items: { id: string; type: string }[] }>(base, 'GET', `/guilds/${guild.id}/channels`, A.token)).body
      .items;
    const general = channels.find((c) => c.type === 'text')!.id;
    expect((await rest(base, 'POST', `/guilds/${guild.id}/channels`, A.token, { type: 'text', name: 'other' })).status).toBe(201);
    const invite = (await rest<{ code: string }>(base, 'POST', `/guilds/${guild.id}/invites`, A.token, {})).body;
    expect((await rest(base, 'POST', `/invites/${invite.code}`, B.token)).status).toBe(200);
    expect((await rest(base, 'POST', `/channels/${general}/messages`, B.token, { content: 'what changed in the build?' })).status).toBe(
      201,
    );

    const pageFor = async () => {
      const page = await (await e2e.newContext()).newPage();
      page.on('pageerror', (err) => console.error(`[page error] ${err.message}`));
      return page;
    };
    const a = await pageFor();
    const b1 = await pageFor();
    const b2 = await pageFor();
    await signIn(a, base, A);
    for (const b of [b1, b2]) {
      await signIn(b, base, B);
      await openGuild(b, 'Journey Guild');
      await openChannel(b, 'other');
      await b.getByLabel('Message #other').waitFor();
    }
    await openGuild(a, 'Journey Guild');
    await openChannel(a, 'general');

    // A: Reply on B's question, paste a picture, write markdown with a fenced code block and a link, send.
    const question = a.locator('.message[data-message-id]', { hasText: 'what changed in the build?' });
    await question.waitFor({ timeout: 15_000 });
    await question.hover();
    await question.getByRole('button', { name: 'Reply' }).click();
    await a.getByRole('group', { name: 'Replying to Bob' }).waitFor();
    const composer = a.getByLabel('Message #general');
    const png = [
      ...(await sharp({ create: { width: 480, height: 320, channels: 3, background: '#3a7bd5' } })
        .png()
        .toBuffer()),
    ];
    await composer.evaluate((el, bytes) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], 'build-graph.png', { type: 'image/png' }));
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }, png);
    const tray = a.getByRole('list', { name: 'Files to send' });
    await tray.getByText('Ready').waitFor({ timeout: 15_000 });
    await composer.fill(
      '**Faster joins** — see [the changelog](https://example.com/changelog)\n```ts\nconst joinMs = measure(room);\n```\nzephyr rollout',
    );
    await composer.press('Enter');
    await tray.waitFor({ state: 'detached' });

    // B sees the unread channel on both devices, then opens it on the first one.
    await expect.poll(() => isRowUnread(b1, general), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => isRowUnread(b2, general), { timeout: 15_000 }).toBe(true);
    await openChannel(b1, 'general');
    // The web client's one-time offer of desktop notifications: not now (it would push the message list down).
    await b1.getByRole('region', { name: 'Desktop notifications' }).getByRole('button', { name: 'Not now' }).click();
    const onB = b1.locator('.message[data-message-id]', { hasText: 'zephyr rollout' });
    await onB.waitFor({ timeout: 15_000 });

    // Rendered, not raw: bold, a highlighted TypeScript block, a real link, the reply quote, the image thumbnail.
    expect(await onB.locator('strong', { hasText: 'Faster joins' }).count()).toBe(1);
    const code = onB.locator('pre code');
    await code.locator('.hljs-keyword', { hasText: 'const' }).waitFor({ timeout: 15_000 });
    expect(await code.innerText()).toContain('const joinMs = measure(room);');
    const link = onB.getByRole('link', { name: 'the changelog' });
    expect(await link.getAttribute('href')).toBe('https://example.com/changelog');
    expect(await onB.innerText()).not.toContain('```');
    expect(await onB.innerText()).not.toContain('**');
    await onB.getByRole('button', { name: /^Reply to Bob: what changed in the build\?/ }).waitFor();
    const thumb = onB.getByRole('button', { name: 'Open image build-graph.png' }).locator('img');
    await thumb.waitFor();
    await expect
      .poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), { timeout: 15_000 })
      .toBe(true);

    // Reading it on the first device (at the bottom, focused) shows #general read on the second, live.
    await b1.getByRole('log', { name: 'Messages in #general' }).focus();
    await b1.keyboard.press('Control+End');
    await expect.poll(() => isRowUnread(b2, general), { timeout: 15_000 }).toBe(false);

    // B reacts from the keyboard; A sees the chip arrive.
    await onB.focus();
    await onB.getByRole('button', { name: 'Add reaction' }).focus();
    await b1.keyboard.press('Enter');
    const picker = b1.getByRole('dialog', { name: 'Add reaction' });
    await picker.getByRole('searchbox', { name: 'Search emoji' }).waitFor();
    await b1.keyboard.type('rocket');
    await b1.keyboard.press('ArrowDown');
    await b1.keyboard.press('Enter');
    await picker.waitFor({ state: 'detached' });
    const chipOnA = a.locator('.message[data-message-id]', { hasText: 'zephyr rollout' }).locator('.reaction-chip[data-emoji="🚀"]');
    await chipOnA.waitFor({ timeout: 15_000 });
    expect((await chipOnA.innerText()).replace(/\s+/g, '')).toBe('🚀1');
    await expectNoSeriousViolationsInBothThemes(b1, 'a reply with markdown, code, a link, an image and a reaction');
    await b1.mouse.move(0, 0);
    await b1.screenshot({ path: resolve(SHOTS, 'chat-journey.png') });

    // B searches for a word of it from the other channel: one result, and Enter opens it highlighted.
    await openChannel(b1, 'other');
    await b1.keyboard.press('Control+f');
    const box = b1.getByRole('searchbox', { name: 'Search messages' });
    await box.fill('zephyr');
    await box.press('Enter');
    const results = b1.getByRole('complementary', { name: '1 result' });
    await results.waitFor({ timeout: 15_000 });
    const result = results.getByRole('button', { name: /^Alice\b.*zephyr rollout\W+jump to message$/s });
    await result.focus();
    await b1.keyboard.press('Enter');
    await b1.locator('.message.jump-highlight', { hasText: 'zephyr rollout' }).waitFor({ timeout: 15_000 });
  });
});
