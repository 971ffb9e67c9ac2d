import { describe, expect, it, vi } from 'vitest';
import type { ParleyApi } from '../../api/parley-api';
import { createChatStore } from './chat.store';
import { hex, msg } from './test-fixtures';

const CH = hex(9000);
const GUILD = hex(9001);
const self = { id: hex(1), username: 'alice', displayName: 'Alice', avatar: null };

function setup() {
  const original = msg(1, { reactions: [{ emoji: '👍', count: 1, me: false }] });
  const list = vi.fn(async () => [original]);
  const send = vi.fn(async (_c: string, body: { content: string; nonce: string; replyTo?: string; mentionReplied?: boolean }) =>
    msg(2, {
      content: body.content,
      nonce: body.nonce,
      reference: body.replyTo ? { messageId: body.replyTo, author: self, excerpt: 'message 1' } : null,
    }),
  );
  const api = { messages: { list, send, edit: vi.fn(), remove: vi.fn(), typing: vi.fn() } } as unknown as ParleyApi;
  const store = createChatStore({ api: () => api, self: () => self });
  return { store, send, original };
}

describe('chat store: reactions, pins and replies', () => {
  it('when reaction events arrive, then the loaded message counts them and marks mine; a live edit keeps them', async () => {
    const { store, original } = setup();
    await store.getState().loadLatest(CH);
    store.getState().receiveReaction({ channelId: CH, messageId: original.id, userId: self.id, emoji: '👍' }, true);
    store.getState().receiveReaction({ channelId: CH, messageId: original.id, userId: hex(2), emoji: '🎉' }, true);
    const reactions = () => store.getState().channels[CH]!.messages[0]!.reactions;
    expect(reactions()).toEqual([
      { emoji: '🎉', count: 1, me: false },
      { emoji: '👍', count: 2, me: true },
    ]);
    // MESSAGE_UPDATE carries `me: false` for everyone: what we hold stays.
    store
      .getState()
      .receive({ ...original, content: 'edited', editedAt: new Date().toISOString(), reactions: [{ emoji: '👍', count: 2, me: false }] });
    expect(store.getState().channels[CH]!.messages[0]!.content).toBe('edited');
    expect(reactions()).toContainEqual({ emoji: '👍', count: 2, me: true });
    store.getState().receivePin(CH, original.id, true);
    expect(store.getState().channels[CH]!.messages[0]!.pinned).toBe(true);
  });

  it('when a reply is sent, then the request names the original and the mention choice, and the placeholder shows the quote at once', async () => {
    const { store, send, original } = setup();
    await store.getState().loadLatest(CH);
    const reference = { messageId: original.id, author: self, excerpt: 'message 1' };
    const sending = store.getState().send(CH, GUILD, 'answer', { reference, mention: false });
    expect(store.getState().channels[CH]!.messages.at(-1)).toMatchObject({ content: 'answer', reference, sendState: 'sending' });
    await sending;
    expect(send).toHaveBeenCalledWith(CH, expect.objectContaining({ content: 'answer', replyTo: original.id, mentionReplied: false }));
    expect(store.getState().channels[CH]!.messages.at(-1)).toMatchObject({ content: 'answer', reference: { messageId: original.id } });
  });
});
