import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Channel, ReadState } from '../../api/types';
import { createMemoryStorage } from '../../platform/storage';
import { createUnreadStore, idBefore, isUnread, LEGACY_READ_KEY, type ReadStatePort } from './unread.store';

const id = (n: number) => n.toString(16).padStart(24, '0');
const G = id(100);
const chan = (n: number, lastMessageId: string | null = null): Channel => ({
  id: id(n),
  guildId: G,
  type: 'text',
  name: `c${n}`,
  parentId: null,
  position: n,
  topic: null,
  bitrate: null,
  userLimit: null,
  overwrites: [],
  lastMessageId,
});

/** A fake server: records acks, answers like the real one (forward only unless manual). */
function fakeApi() {
  const calls: { channelId: string; messageId: string; manual: boolean }[] = [];
  const markers = new Map<string, string>();
  const api: ReadStatePort = {
    async ack(channelId, messageId, manual = false) {
      calls.push({ channelId, messageId, manual });
      const cur = markers.get(channelId);
      const next = manual ? idBefore(messageId) : cur && cur > messageId ? cur : messageId;
      markers.set(channelId, next);
      return { channelId, guildId: G, lastReadId: next, mentionCount: 0 };
    },
    async ackGuild() {
      calls.push({ channelId: 'guild', messageId: '', manual: false });
      return [];
    },
  };
  return { api, calls, markers };
}

describe('unread store', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('when a message arrives in a channel, then it is unread until read; a mention counts until read; my own messages never are', () => {
    const s = createUnreadStore();
    s.getState().noteMessage(id(11), id(500), true, false);
    expect(isUnread(s.getState(), id(11))).toBe(true);
    expect(s.getState().mentionCount[id(11)]).toBe(1);
    s.getState().markRead(id(11), id(500));
    expect(isUnread(s.getState(), id(11))).toBe(false);
    expect(s.getState().mentionCount[id(11)]).toBeUndefined();
    s.getState().noteMessage(id(11), id(501), false, true);
    expect(isUnread(s.getState(), id(11))).toBe(false);
  });

  it('when messages are read one after another, then one ack is sent after a second of quiet, for the newest, never for an older one', async () => {
    const { api, calls } = fakeApi();
    const s = createUnreadStore({ api, ackDelayMs: 1000 });
    s.getState().markRead(id(11), id(500));
    await vi.advanceTimersByTimeAsync(500);
    s.getState().markRead(id(11), id(501));
    s.getState().markRead(id(11), id(499));
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toEqual([{ channelId: id(11), messageId: id(501), manual: false }]);
    // Older than the marker: nothing to send.
    s.getState().markRead(id(11), id(400));
    await vi.advanceTimersByTimeAsync(2000);
    expect(calls).toHaveLength(1);
    expect(s.getState().lastReadId[id(11)]).toBe(id(501));
  });

  it('when pending acks are flushed (Escape), then they go at once', async () => {
    const { api, calls } = fakeApi();
    const s = createUnreadStore({ api });
    s.getState().markRead(id(11), id(500));
    s.getState().flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual([{ channelId: id(11), messageId: id(500), manual: false }]);
  });

  it('when a message is marked unread, then the marker goes to just before it at once and the server is told, even backwards', async () => {
    const { api, calls } = fakeApi();
    const s = createUnreadStore({ api });
    s.getState().noteChannels([chan(11, id(600))]);
    s.getState().markRead(id(11), id(600));
    s.getState().markUnread(id(11), id(550));
    expect(s.getState().lastReadId[id(11)]).toBe(id(549));
    expect(isUnread(s.getState(), id(11))).toBe(true);
    await vi.advanceTimersByTimeAsync(2000);
    // The pending forward ack was dropped: only the mark-unread went out.
    expect(calls).toEqual([{ channelId: id(11), messageId: id(550), manual: true }]);
    expect(s.getState().lastReadId[id(11)]).toBe(id(549));
  });

  it('when READY brings read states, then they are the markers and mention counts; channels without one were never read', () => {
    const s = createUnreadStore();
    s.getState().noteChannels([chan(11, id(700)), chan(12, id(600)), chan(13, id(300))]);
    const states: ReadState[] = [
      { channelId: id(11), guildId: G, lastReadId: id(500), mentionCount: 2 },
      { channelId: id(12), guildId: G, lastReadId: id(600), mentionCount: 0 },
    ];
    s.getState().applyReadStates([id(11), id(12), id(13)], states);
    expect(isUnread(s.getState(), id(11))).toBe(true);
    expect(s.getState().mentionCount[id(11)]).toBe(2);
    expect(isUnread(s.getState(), id(12))).toBe(false);
    expect(isUnread(s.getState(), id(13))).toBe(true);
    // A live message newer than the snapshot is not overwritten by an older snapshot.
    s.getState().noteMessage(id(12), id(800), false, false);
    s.getState().noteChannels([chan(12, id(600))]);
    expect(s.getState().lastMessageId[id(12)]).toBe(id(800));
  });

  it('when another session acks or marks unread, then the marker follows: forward for acks, back only for mark unread', () => {
    const s = createUnreadStore();
    s.getState().noteChannels([chan(11, id(700))]);
    s.getState().receiveReadState({ channelId: id(11), guildId: G, lastReadId: id(700), mentionCount: 0, manual: false });
    expect(isUnread(s.getState(), id(11))).toBe(false);
    // A late, older ack does not move it back.
    s.getState().receiveReadState({ channelId: id(11), guildId: G, lastReadId: id(600), mentionCount: 0, manual: false });
    expect(s.getState().lastReadId[id(11)]).toBe(id(700));
    s.getState().receiveReadState({ channelId: id(11), guildId: G, lastReadId: id(650), mentionCount: 1, manual: true });
    expect(s.getState().lastReadId[id(11)]).toBe(id(650));
    expect(s.getState().mentionCount[id(11)]).toBe(1);
    expect(isUnread(s.getState(), id(11))).toBe(true);
  });

  it('when a snapshot arrives while an ack of ours is on its way, then the newer local marker stays', () => {
    const { api } = fakeApi();
    const s = createUnreadStore({ api });
    s.getState().noteChannels([chan(11, id(700))]);
    s.getState().markRead(id(11), id(700));
    s.getState().applyReadStates([id(11)], [{ channelId: id(11), guildId: G, lastReadId: id(500), mentionCount: 3 }]);
    expect(s.getState().lastReadId[id(11)]).toBe(id(700));
    expect(s.getState().mentionCount[id(11)]).toBeUndefined();
  });

  it('when this device kept markers in local storage before, then the newer ones are acked once and the key removed', async () => {
    const { api, calls } = fakeApi();
    const storage = createMemoryStorage();
    storage.set(LEGACY_READ_KEY, { [id(11)]: id(650), [id(12)]: id(100) });
    const s = createUnreadStore({ api, storage });
    s.getState().noteChannels([chan(11, id(700)), chan(12, id(600))]);
    s.getState().applyReadStates([id(11), id(12)], [{ channelId: id(12), guildId: G, lastReadId: id(600), mentionCount: 0 }]);
    await vi.advanceTimersByTimeAsync(1500);
    expect(calls).toEqual([{ channelId: id(11), messageId: id(650), manual: false }]);
    expect(storage.get(LEGACY_READ_KEY)).toBeUndefined();
    expect(s.getState().lastReadId[id(11)]).toBe(id(650));
  });

  it('when the user signs out, then everything is forgotten and no pending ack is sent', async () => {
    const { api, calls } = fakeApi();
    const s = createUnreadStore({ api });
    s.getState().markRead(id(11), id(500));
    s.getState().noteMessage(id(12), id(600), true, false);
    s.getState().reset();
    await vi.advanceTimersByTimeAsync(2000);
    expect(s.getState()).toMatchObject({ lastMessageId: {}, mentionCount: {}, lastReadId: {} });
    expect(calls).toEqual([]);
  });

  it('when an id is given, then idBefore is the id just below it', () => {
    expect(idBefore(id(0x100))).toBe(id(0xff));
    expect(idBefore(id(0))).toBe(id(0));
  });
});
