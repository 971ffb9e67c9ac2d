/**
 * Browser E2E of attachments against the real stack: A pastes two images into the composer and drops a text file on
 * the chat, sees them upload in the tray and sends them with a line of text; B sees the thumbnails and the download
 * card, opens the lightbox by keyboard, moves between the images with the arrow keys and closes it with Escape (focus
 * back on the thumbnail). The tray, the chat with attachments and the lightbox pass axe in both themes.
 */
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoSeriousViolationsInBothThemes } from './axe';
import { ownerAndMemberSignedIn } from './moderation-support';
import { SHOTS, useBrowserSession } from './web-stack';

const e2e = useBrowserSession();
const suffix = Math.random().toString(36).slice(2, 7);
let a: Page;
let b: Page;

const picture = async (width: number, height: number, background: string) => [
  ...(await sharp({ create: { width, height, channels: 3, background } })
    .png()
    .toBuffer()),
];

describe('attachments in the web client', () => {
  beforeAll(async () => {
    ({ a, b } = await ownerAndMemberSignedIn(e2e, { owner: `aat_${suffix}`, member: `bat_${suffix}`, guild: 'Attachment Lab' }));
  });

  it('when A pastes images and drops a file, then B sees thumbnails and a download card, and browses the images in a lightbox by keyboard', async () => {
    const composer = a.getByLabel('Message #general');
    await composer.waitFor({ timeout: 15_000 });
    await a.getByRole('button', { name: 'Upload a file' }).waitFor();
    const beach = await picture(640, 400, '#2a9df4');
    const sunset = await picture(300, 450, '#f47b2a');
    // Paste: a ClipboardEvent carrying two image files, as a browser makes for copied files.
    await composer.evaluate(
      (el, files) => {
        const dt = new DataTransfer();
        for (const f of files) dt.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: 'image/png' }));
        el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
      },
      [
        { name: 'beach.png', bytes: beach },
        { name: 'sunset.png', bytes: sunset },
      ],
    );
    // Drop: a text file dragged onto the chat.
    const dt = await a.evaluateHandle(() => {
      const t = new DataTransfer();
      t.items.add(new File(['shopping list: sunscreen, towels'], 'packing-list.txt', { type: 'text/plain' }));
      return t;
    });
    await a.dispatchEvent('main.chat-pane', 'dragover', { dataTransfer: dt });
    await a.dispatchEvent('main.chat-pane', 'drop', { dataTransfer: dt });
    const tray = a.getByRole('list', { name: 'Files to send' });
    await tray.waitFor();
    await tray.getByText('Ready').nth(2).waitFor({ timeout: 15_000 });
    expect(await tray.getByRole('listitem').allInnerTexts()).toEqual([
      expect.stringContaining('beach.png'),
      expect.stringContaining('sunset.png'),
      expect.stringContaining('packing-list.txt'),
    ]);
    await expectNoSeriousViolationsInBothThemes(a, 'upload tray');
    await composer.fill('holiday pictures');
    await composer.press('Enter');
    await tray.waitFor({ state: 'detached' });

    // B: the message with two thumbnails (loaded through the channel's ticket) and the file card.
    const onB = b.locator('.message[data-message-id]', { hasText: 'holiday pictures' });
    await onB.waitFor({ timeout: 15_000 });
    const thumb = onB.getByRole('button', { name: 'Open image beach.png' });
    await thumb.locator('img').waitFor();
    await b.waitForFunction(() =>
      [...document.querySelectorAll<HTMLImageElement>('.attachment-image img')].every((img) => img.complete && img.naturalWidth > 0),
    );
    expect(await thumb.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(400);
    const card = onB.getByRole('link', { name: 'packing-list.txt' });
    expect(await card.getAttribute('href')).toContain('download=1');
    await expectNoSeriousViolationsInBothThemes(b, 'chat with attachments');
    await b.screenshot({ path: resolve(SHOTS, 'chat-attachments.png') });

    // Keyboard only: focus the thumbnail, Enter opens the lightbox, → goes to the next image, Escape closes.
    await thumb.focus();
    await b.keyboard.press('Enter');
    const box = b.getByRole('dialog', { name: 'beach.png' });
    await box.waitFor();
    await b.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('.lightbox-image');
      return !!img && img.complete && img.naturalWidth === 640;
    });
    await expectNoSeriousViolationsInBothThemes(b, 'attachment lightbox');
    await b.screenshot({ path: resolve(SHOTS, 'attachment-lightbox.png') });
    await b.keyboard.press('ArrowRight');
    await b.getByRole('dialog', { name: 'sunset.png' }).waitFor();
    await b.keyboard.press('ArrowLeft');
    await b.getByRole('dialog', { name: 'beach.png' }).waitFor();
    await b.keyboard.press('Escape');
    await box.waitFor({ state: 'detached' });
    expect(await b.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Open image beach.png');
  });

  it('when A lowers the upload limit in server settings, then a bigger file of B fails in the tray with the reason, and nothing is sent', async () => {
    await a.getByRole('complementary', { name: 'Channels' }).getByRole('button', { name: 'Attachment Lab', exact: true }).click();
    await a.getByRole('menuitem', { name: 'Server settings' }).click();
    const settings = a.locator('dialog[open]').last();
    const limit = settings.getByLabel('Upload limit (MB)');
    await limit.waitFor();
    expect(await limit.inputValue()).toBe('25');
    await limit.fill('0.5');
    await settings.getByRole('button', { name: 'Save limit' }).click();
    await settings.getByText('Saved.').last().waitFor();
    await expectNoSeriousViolationsInBothThemes(a, 'server settings with the upload limit');
    await a.keyboard.press('Escape');

    // B's client learned the limit when its composer opened; a fresh page reads the new one.
    await b.reload();
    const composer = b.getByLabel('Message #general');
    await composer.waitFor({ timeout: 15_000 });
    await b.getByRole('button', { name: 'Upload a file' }).waitFor();
    await b
      .locator('input[type=file]')
      .setInputFiles({ name: 'huge.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(600 * 1024, 1) });
    const tray = b.getByRole('list', { name: 'Files to send' });
    await tray.getByRole('alert').filter({ hasText: 'Too large: this server allows files up to 512 KB.' }).waitFor();
    await tray.getByRole('button', { name: 'Remove huge.bin' }).click();
    await tray.waitFor({ state: 'detached' });
  });
});
