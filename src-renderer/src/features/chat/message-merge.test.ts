import { describe, expect, it } from 'vitest';
import { lastConfirmed, mergeMessages, removeMessage, startsGroup } from './message-merge';
import { hex, msg } from './test-fixtures';

describe('mergeMessages', () => {
  it('when a history page overlaps what we have, then each message appears once and in order', () => {
    const have = [msg(5), msg(6), msg(7)];
    const page = [msg(7), msg(3), msg(4), msg(5)];
    expect(mergeMessages(have, page).map((m) => m.content)).toEqual(['message 3', 'message 4', 'message 5', 'message 6', 'message 7']);
  });

  it('when the confirmed echo of an optimistic send arrives, then it replaces the placeholder (dedupe by nonce)', () => {
    const placeholder = msg(10, { id: 'pending:n1', nonce: 'n1', sendState: 'sending' });
    const withPending = mergeMessages([msg(1)], [placeholder]);
    const confirmed = msg(11, { nonce: 'n1' });
    const merged = mergeMessages(withPending, [confirmed]);
    expect(merged.map((m) => m.id)).toEqual([hex(1), hex(11)]);
    expect(merged[1]?.sendState).toBeUndefined();
  });

  it('when the gateway echo and the HTTP response both arrive, then the message is kept once', () => {
    const placeholder = msg(10, { id: 'pending:n2', nonce: 'n2', sendState: 'sending' });
    const confirmed = msg(11, { nonce: 'n2' });
    const merged = mergeMessages(mergeMessages(mergeMessages([], [placeholder]), [confirmed]), [confirmed]);
    expect(merged).toHaveLength(1);
  });

  it('when a stale placeholder update comes after the confirmation, then the confirmed message wins', () => {
    const confirmed = msg(11, { nonce: 'n3' });
    const lateFailure = msg(10, { id: 'pending:n3', nonce: 'n3', sendState: 'failed' });
    expect(mergeMessages([confirmed], [lateFailure])).toEqual([confirmed]);
  });

  it('when an older copy of an edited message arrives, then the edit is not undone', () => {
    const edited = msg(4, { content: 'new', editedAt: '2026-01-01T13:00:00.000Z' });
    const stale = msg(4, { content: 'old' });
    expect(mergeMessages([edited], [stale])[0]?.content).toBe('new');
    expect(mergeMessages([stale], [edited])[0]?.content).toBe('new');
  });

  it('when link previews arrive or are suppressed, then they show, and an older copy without them does not undo that', () => {
    const embed = { url: 'https://a.example/', title: 'A', description: null, siteName: null };
    const plain = msg(5);
    const withEmbed = mergeMessages([plain], [msg(5, { embeds: [embed] })]);
    expect(withEmbed[0]!.embeds).toEqual([embed]);
    expect(mergeMessages(withEmbed, [plain])).toBe(withEmbed);
    const suppressed = mergeMessages(withEmbed, [msg(5, { suppressEmbeds: true })]);
    expect(suppressed[0]).toMatchObject({ embeds: [], suppressEmbeds: true });
    expect(mergeMessages(suppressed, [msg(5, { embeds: [embed] })])).toBe(suppressed);
  });

  it('when nothing changes, then the same array is returned (no re-render)', () => {
    const have = [msg(1), msg(2)];
    expect(mergeMessages(have, [msg(2)])).toBe(have);
    expect(mergeMessages(have, [])).toBe(have);
  });

  it('when a message is deleted, then it is removed and others keep their order', () => {
    expect(removeMessage([msg(1), msg(2), msg(3)], hex(2)).map((m) => m.id)).toEqual([hex(1), hex(3)]);
  });

  it('when looking for the gap-fill cursor, then pending placeholders are skipped', () => {
    const list = [msg(1), msg(2), msg(3, { id: 'pending:x', nonce: 'x', sendState: 'sending' })];
    expect(lastConfirmed(list)?.id).toBe(hex(2));
  });
});

describe('startsGroup', () => {
  it('when the same author posts within minutes, then messages group; a different author or a long pause starts a new group', () => {
    const a = msg(1);
    expect(startsGroup(undefined, a)).toBe(true);
    expect(startsGroup(a, msg(2))).toBe(false);
    expect(startsGroup(a, msg(2, { author: { id: hex(2), username: 'bob', displayName: 'Bob', avatar: null } }))).toBe(true);
    expect(startsGroup(a, msg(2, { createdAt: '2026-01-01T12:30:00.000Z' }))).toBe(true);
  });
});
