import { describe, expect, it } from 'vitest';
import type { Channel } from '../../api/types';
import { createMemoryStorage } from '../../platform/storage';
import { createUnreadStore, isUnread } from './unread.store';

const id = (n: number) => n.toString(16).padStart(24, '0');
const G = id(100);
const chan = (n: number, lastMessageId: string | null = null): Channel => ({
  id: id(n), guildId: G, type: 'text', name: `c${n}`, parentId: null, position: n, topic: null, bitrate: null, userLimit: null, overwrites: [], lastMessageId,
});

describe('unread store', () => {
  it('when a message arrives in a channel, then it is unread until read; a mention counts until read; my own messages never are', () => {
    const s = createUnreadStore({ storage: createMemoryStorage() });
    s.getState().noteMessage(id(11), id(500), true, false);
    expect(isUnread(s.getState(), id(11))).toBe(true);
    expect(s.getState().mentionCount[id(11)]).toBe(1);
    s.getState().markRead(id(11), id(500));
    expect(isUnread(s.getState(), id(11))).toBe(false);
    expect(s.getState().mentionCount[id(11)]).toBeUndefined();
    s.getState().noteMessage(id(11), id(501), false, true);
    expect(isUnread(s.getState(), id(11))).toBe(false);
  });

  it('when the read state is saved, then a new store (next start) remembers it', () => {
    const storage = createMemoryStorage();
    createUnreadStore({ storage }).getState().markRead(id(11), id(500));
    expect(createUnreadStore({ storage }).getState().lastReadId[id(11)]).toBe(id(500));
  });

  it('when the app restarts and the server says a channel got messages since it was read, then it shows unread', () => {
    const storage = createMemoryStorage();
    const before = createUnreadStore({ storage });
    before.getState().markRead(id(11), id(500));
    before.getState().markRead(id(12), id(600));
    const after = createUnreadStore({ storage });
    after.getState().noteChannels([chan(11, id(700)), chan(12, id(600)), chan(13)]);
    expect(isUnread(after.getState(), id(11))).toBe(true);
    expect(isUnread(after.getState(), id(12))).toBe(false);
    expect(isUnread(after.getState(), id(13))).toBe(false);
    // A live message newer than the snapshot is not overwritten by an older snapshot.
    after.getState().noteMessage(id(12), id(800), false, false);
    after.getState().noteChannels([chan(12, id(600))]);
    expect(after.getState().lastMessageId[id(12)]).toBe(id(800));
  });

  it('when the user signs out, then arrivals and mentions are forgotten and the read markers kept', () => {
    const s = createUnreadStore({ storage: createMemoryStorage() });
    s.getState().markRead(id(11), id(500));
    s.getState().noteMessage(id(12), id(600), true, false);
    s.getState().reset();
    expect(s.getState()).toMatchObject({ lastMessageId: {}, mentionCount: {}, lastReadId: { [id(11)]: id(500) } });
  });
});
