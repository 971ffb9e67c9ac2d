/**
 * Browser E2E of replies and reactions against the real stack: B replies to A's message (A sees the quote and is
 * pinged; clicking the quote jumps to the original), B reacts to it with the emoji picker using only the keyboard, A
 * sees the reaction arrive live with count 1, A adds theirs by clicking the chip (2, pressed) and sees who reacted; the
 * chat with reactions, the reply bar and the open picker pass axe in both themes.
 */
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoSeriousViolationsInBothThemes } from './axe';
import { ownerAndMemberSignedIn } from './moderation-support';
import { SHOTS, useBrowserSession } from './web-stack';

const e2e = useBrowserSession();
const suffix = Math.random().toString(36).slice(2, 7);
let a: Page;
let b: Page;

const messageRow = (page: Page, text: string) => page.locator('.message', { hasText: text });

describe('reactions in the web client', () => {
  beforeAll(async () => {
    ({ a, b } = await ownerAndMemberSignedIn(e2e, { owner: `arx_${suffix}`, member: `brx_${suffix}`, guild: 'Reaction Lab' }));
  });

  it('when B replies and reacts with the picker by keyboard, then A sees both live; A clicking the chip makes it 2 and pressed', async () => {
    await a.getByLabel('Message #general').fill('ship it on friday?');
    await a.getByLabel('Message #general').press('Enter');
    await a.locator('.message[data-message-id]', { hasText: 'ship it on friday?' }).first().waitFor({ timeout: 15_000 });
    const onB = messageRow(b, 'ship it on friday?').first();
    await onB.waitFor({ timeout: 15_000 });

    // B replies by keyboard: Reply → the bar above the composer, the composer focused; Escape cancels, Reply again.
    await onB.focus();
    await onB.getByRole('button', { name: 'Reply' }).focus();
    await b.keyboard.press('Enter');
    const bar = b.getByRole('group', { name: 'Replying to Alice' });
    await bar.waitFor();
    expect(await b.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Message #general');
    expect(await bar.getByRole('button', { name: /mention Alice/ }).getAttribute('aria-pressed')).toBe('true');
    await b.keyboard.press('Escape');
    await bar.waitFor({ state: 'detached' });
    await onB.focus();
    await onB.getByRole('button', { name: 'Reply' }).focus();
    await b.keyboard.press('Enter');
    await bar.waitFor();
    await expectNoSeriousViolationsInBothThemes(b, 'reply bar');
    await b.keyboard.type('only if the tests pass');
    await b.keyboard.press('Enter');
    await bar.waitFor({ state: 'detached' });

    // A sees the quote above B's reply, is pinged by it, and the quote jumps to the original.
    const replyOnA = a.locator('.message[data-message-id]', { hasText: 'only if the tests pass' });
    await replyOnA.waitFor({ timeout: 15_000 });
    const quote = replyOnA.getByRole('button', { name: /^Reply to Alice: ship it on friday\?/ });
    await quote.waitFor();
    expect(await replyOnA.getAttribute('class')).toContain('mentioned');
    await quote.click();
    await a.locator('.message.jump-highlight', { hasText: 'ship it on friday?' }).waitFor();

    // B: keyboard only — focus the message's "Add reaction" action, open the picker, search, move in the grid, pick.
    await onB.focus();
    await onB.getByRole('button', { name: 'Add reaction' }).focus();
    await b.keyboard.press('Enter');
    const picker = b.getByRole('dialog', { name: 'Add reaction' });
    await picker.getByRole('searchbox', { name: 'Search emoji' }).waitFor();
    await b.keyboard.type('thumbs');
    await b.keyboard.press('ArrowDown');
    await b.keyboard.press('ArrowRight');
    await b.keyboard.press('ArrowLeft');
    expect(await b.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('thumbs up');
    await b.screenshot({ path: resolve(SHOTS, 'emoji-picker.png') });
    await expectNoSeriousViolationsInBothThemes(b, 'emoji picker');
    await b.keyboard.press('Enter');
    await picker.waitFor({ state: 'detached' });
    // Focus went back to the opener.
    expect(await b.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Add reaction');

    // A: the chip arrives live, count 1, not pressed.
    const chipA = a
      .locator('.message:not(:has(.reply-quote))', { hasText: 'ship it on friday?' })
      .locator('.reaction-chip[data-emoji="👍"]');
    await chipA.waitFor({ timeout: 15_000 });
    expect(await chipA.getAttribute('aria-pressed')).toBe('false');
    expect((await chipA.innerText()).replace(/\s+/g, '')).toBe('👍1');
    await chipA.hover();
    await a.getByRole('tooltip').filter({ hasText: 'Bob reacted with 👍' }).waitFor();

    // A clicks it: 2, pressed, on both sides.
    await chipA.click();
    await expect.poll(async () => (await chipA.innerText()).replace(/\s+/g, ''), { timeout: 15_000 }).toBe('👍2');
    expect(await chipA.getAttribute('aria-pressed')).toBe('true');
    const chipB = onB.locator('.reaction-chip[data-emoji="👍"]');
    await expect.poll(async () => (await chipB.innerText()).replace(/\s+/g, ''), { timeout: 15_000 }).toBe('👍2');
    expect(await chipB.getAttribute('aria-pressed')).toBe('true');
    await chipA.hover();
    await a
      .getByRole('tooltip')
      .filter({ hasText: 'Bob and Alice reacted with 👍' })
      .or(a.getByRole('tooltip').filter({ hasText: 'Alice and Bob reacted with 👍' }))
      .waitFor();
    await expectNoSeriousViolationsInBothThemes(a, 'chat with reactions and a reply');
    await a.mouse.move(0, 0);
    await chipA.blur();
    await a.getByRole('tooltip').waitFor({ state: 'detached' });
    await a.screenshot({ path: resolve(SHOTS, 'chat-reactions-replies.png') });

    // B takes theirs back with the keyboard: the chip is a toggle.
    await chipB.focus();
    await b.keyboard.press('Enter');
    await expect.poll(async () => (await chipA.innerText()).replace(/\s+/g, ''), { timeout: 15_000 }).toBe('👍1');
    expect(await chipA.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => chipB.getAttribute('aria-pressed'), { timeout: 15_000 }).toBe('false');
  });

  it('when A pins the message, then B sees it marked live without a Pin action of their own, and the pins popover lists it', async () => {
    const original = a.locator('.message:not(:has(.reply-quote))', { hasText: 'ship it on friday?' });
    await original.focus();
    await original.getByRole('button', { name: 'Pin message' }).focus();
    await a.keyboard.press('Enter');
    await original.getByRole('button', { name: 'Unpin message' }).waitFor({ timeout: 15_000 });
    const onB = b.locator('.message:not(:has(.reply-quote))', { hasText: 'ship it on friday?' });
    await onB.locator('.pinned-mark').waitFor({ timeout: 15_000 });
    // B's toolbar (shown for the focused message) has Reply, but no Pin.
    await onB.focus();
    await onB.getByRole('button', { name: 'Reply' }).waitFor();
    expect(await onB.getByRole('button', { name: /Pin message|Unpin message/ }).count()).toBe(0);

    await b.getByRole('button', { name: 'Pinned messages' }).click();
    const popover = b.getByRole('dialog', { name: 'Pinned messages in #general' });
    await popover.locator('.pin-item', { hasText: 'ship it on friday?' }).waitFor();
    expect(await popover.getByRole('button', { name: /Unpin/ }).count()).toBe(0);
    await b.screenshot({ path: resolve(SHOTS, 'pins-popover.png') });
    await expectNoSeriousViolationsInBothThemes(b, 'pins popover');
    await b.keyboard.press('Escape');
    await popover.waitFor({ state: 'detached' });
  });

  it('when B edits the reply, then A (a moderator) reads the earlier version in the edit history; B has no such action', async () => {
    const replyOnB = b.locator('.message[data-message-id]', { hasText: 'only if the tests pass' });
    await replyOnB.focus();
    await replyOnB.getByRole('button', { name: 'Edit message' }).focus();
    await b.keyboard.press('Enter');
    const box = replyOnB.getByRole('textbox', { name: 'Edit message' });
    await box.fill('only if the tests pass, and the docs');
    await box.press('Enter');
    const replyOnA = a.locator('.message[data-message-id]', { hasText: 'and the docs' });
    await replyOnA.locator('.edited').waitFor({ timeout: 15_000 });
    // B's toolbar (shown for the focused message) has Edit, but not the moderators' edit history.
    const editedOnB = b.locator('.message[data-message-id]', { hasText: 'and the docs' });
    await editedOnB.focus();
    await editedOnB.getByRole('button', { name: 'Edit message' }).waitFor();
    expect(await editedOnB.getByRole('button', { name: 'View edit history' }).count()).toBe(0);
    await replyOnA.focus();
    await replyOnA.getByRole('button', { name: 'View edit history' }).focus();
    await a.keyboard.press('Enter');
    const dialog = a.getByRole('dialog', { name: 'Edit history' });
    await dialog
      .locator('li', { hasText: /^Until/ })
      .filter({ hasText: 'only if the tests pass' })
      .waitFor();
    await a.screenshot({ path: resolve(SHOTS, 'message-edit-history.png') });
    await expectNoSeriousViolationsInBothThemes(a, 'edit history');
    await a.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });
});
