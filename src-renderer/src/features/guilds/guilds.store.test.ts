import { describe, expect, it } from 'vitest';
import type { ParleyApi } from '../../api/parley-api';
import type { Channel, GuildSnapshot, Member, VoiceState } from '../../api/types';
import { createMemoryStorage } from '../../platform/storage';
import { createGuildsStore, isUnread } from './guilds.store';

const id = (n: number) => n.toString(16).padStart(24, '0');
const G = id(100);
const at = '2026-01-01T00:00:00.000Z';
const chan = (n: number, type: Channel['type'], position: number, parentId: string | null = null, lastMessageId: string | null = null): Channel => ({
  id: id(n), guildId: G, type, name: `c${n}`, parentId, position, topic: null, bitrate: null, userLimit: null, overwrites: [], lastMessageId,
});
const member = (n: number): Member => ({ guildId: G, user: { id: id(n), username: `u${n}`, displayName: `U${n}` }, roleIds: [], nick: null, joinedAt: at });
const vs = (user: number, channel: number): VoiceState => ({
  userId: id(user), guildId: G, channelId: id(channel), selfMute: false, selfDeaf: false, serverMute: false, serverDeaf: false, joinedAt: at,
});

function snapshot(): GuildSnapshot {
  return {
    guild: { id: G, name: 'Guild', ownerId: id(1), createdAt: at, systemChannelId: null },
    channels: [chan(12, 'voice', 1), chan(11, 'text', 0), chan(13, 'category', 2)],
    roles: [],
    me: member(1),
    onlineMembers: [member(2)],
    presences: [{ userId: id(2), status: 'online' }],
    voiceStates: [vs(2, 12)],
  };
}

const store = () => createGuildsStore({ api: () => ({}) as ParleyApi, storage: createMemoryStorage() });

describe('guilds store', () => {
  it('when READY delivers a guild snapshot, then channels are sorted, members/presence/voice are known and the first text channel is selected', () => {
    const s = store();
    s.getState().applySnapshot(snapshot());
    const st = s.getState();
    expect(st.channelsByGuild[G]?.map((c) => c.id)).toEqual([id(11), id(12), id(13)]);
    expect(st.selectedGuildId).toBe(G);
    expect(st.selectedChannelByGuild[G]).toBe(id(11));
    expect(st.membersByGuild[G]?.map((m) => m.user.id)).toEqual([id(1), id(2)]);
    expect(st.presence[id(2)]).toBe('online');
    expect(st.voiceByChannel[id(12)]?.map((v) => v.userId)).toEqual([id(2)]);
  });

  it('when a user moves between voice channels or leaves, then they are listed in at most one channel', () => {
    const s = store();
    s.getState().applySnapshot(snapshot());
    s.getState().setVoiceState(vs(2, 14));
    expect(s.getState().voiceByChannel[id(12)]).toBeUndefined();
    expect(s.getState().voiceByChannel[id(14)]?.length).toBe(1);
    s.getState().setVoiceState({ userId: id(2), guildId: G, channelId: null });
    expect(Object.keys(s.getState().voiceByChannel)).toEqual([]);
  });

  it('when a message arrives in a channel, then it is unread until read; a mention counts until read; my own messages never are', () => {
    const s = store();
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
    const a = createGuildsStore({ api: () => ({}) as ParleyApi, storage });
    a.getState().markRead(id(11), id(500));
    const b = createGuildsStore({ api: () => ({}) as ParleyApi, storage });
    expect(b.getState().lastReadId[id(11)]).toBe(id(500));
  });

  it('when the app restarts and the server says a channel got messages since it was read, then it shows unread', () => {
    const storage = createMemoryStorage();
    const before = createGuildsStore({ api: () => ({}) as ParleyApi, storage });
    before.getState().markRead(id(11), id(500));
    before.getState().markRead(id(12), id(600));
    const after = createGuildsStore({ api: () => ({}) as ParleyApi, storage });
    after.getState().applySnapshot({ ...snapshot(), channels: [chan(11, 'text', 0, null, id(700)), chan(12, 'voice', 1, null, id(600)), chan(13, 'category', 2)] });
    expect(isUnread(after.getState(), id(11))).toBe(true);
    expect(isUnread(after.getState(), id(12))).toBe(false);
    // A live message newer than the snapshot is not overwritten by an older snapshot.
    after.getState().noteMessage(id(12), id(800), false, false);
    after.getState().applySnapshot({ ...snapshot(), channels: [chan(12, 'voice', 1, null, id(600))] });
    expect(after.getState().lastMessageId[id(12)]).toBe(id(800));
  });

  it('when the selected guild is removed, then another guild gets selected', () => {
    const s = store();
    s.getState().applySnapshot(snapshot());
    s.getState().upsertGuild({ id: id(101), name: 'Other', ownerId: id(1), createdAt: at, systemChannelId: null });
    s.getState().removeGuild(G);
    expect(s.getState().selectedGuildId).toBe(id(101));
  });
});
