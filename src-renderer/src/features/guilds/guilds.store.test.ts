import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/http-client';
import type { ParleyApi } from '../../api/parley-api';
import type { Channel, GuildSnapshot, Member, VoiceState } from '../../api/types';
import { createGuildsStore, sortChannels } from './guilds.store';

const id = (n: number) => n.toString(16).padStart(24, '0');
const G = id(100);
const at = '2026-01-01T00:00:00.000Z';
const chan = (
  n: number,
  type: Channel['type'],
  position: number,
  parentId: string | null = null,
  lastMessageId: string | null = null,
): Channel => ({
  id: id(n),
  guildId: G,
  type,
  name: `c${n}`,
  parentId,
  position,
  topic: null,
  bitrate: null,
  userLimit: null,
  overwrites: [],
  lastMessageId,
});
const member = (n: number): Member => ({
  guildId: G,
  user: { id: id(n), username: `u${n}`, displayName: `U${n}`, avatar: null },
  roleIds: [],
  nick: null,
  joinedAt: at,
});
const vs = (user: number, channel: number): VoiceState => ({
  userId: id(user),
  guildId: G,
  channelId: id(channel),
  selfMute: false,
  selfDeaf: false,
  serverMute: false,
  serverDeaf: false,
  selfVideo: false,
  selfStream: false,
  serverVideoOff: false,
  serverStreamOff: false,
  watching: [],
  joinedAt: at,
});

function snapshot(): GuildSnapshot {
  return {
    guild: { id: G, name: 'Guild', ownerId: id(1), icon: null, createdAt: at, systemChannelId: null },
    channels: [chan(12, 'voice', 1), chan(11, 'text', 0), chan(13, 'category', 2)],
    roles: [],
    me: member(1),
    onlineMembers: [member(2)],
    presences: [{ userId: id(2), status: 'online' }],
    voiceStates: [vs(2, 12)],
  };
}

const store = () => createGuildsStore({ api: () => ({}) as ParleyApi });

describe('guilds store', () => {
  it('when READY delivers a guild snapshot, then channels are sorted, members and presence are known and the first text channel is selected', () => {
    const s = store();
    s.getState().applySnapshot(snapshot());
    const st = s.getState();
    expect(st.channelsByGuild[G]?.map((c) => c.id)).toEqual([id(11), id(12), id(13)]);
    expect(st.selectedGuildId).toBe(G);
    expect(st.selectedChannelByGuild[G]).toBe(id(11));
    expect(st.membersByGuild[G]?.map((m) => m.user.id)).toEqual([id(1), id(2)]);
    expect(st.presence[id(2)]).toBe('online');
  });

  it('when the selected guild is removed, then another guild gets selected', () => {
    const s = store();
    s.getState().applySnapshot(snapshot());
    s.getState().upsertGuild({ id: id(101), name: 'Other', ownerId: id(1), icon: null, createdAt: at, systemChannelId: null });
    s.getState().removeGuild(G);
    expect(s.getState().selectedGuildId).toBe(id(101));
  });

  it('when the server refuses an invite, then joinInvite answers its code and message and nothing else changes', async () => {
    const joinInvite = async () => Promise.reject(new ApiError('INVITE_INVALID', 'Unknown invite', 404));
    const s = createGuildsStore({ api: () => ({ guilds: { joinInvite } }) as unknown as ParleyApi });
    expect(await s.getState().joinInvite('nope')).toEqual({
      ok: false,
      code: 'INVITE_INVALID',
      message: 'This invite is invalid or has expired.',
    });
    expect(s.getState().guilds).toEqual([]);
    expect(s.getState().selectedGuildId).toBeNull();
  });

  it('when a channel is created, then createChannel answers it and the store holds it', async () => {
    const created = chan(14, 'text', 3);
    const createChannel = async () => created;
    const s = createGuildsStore({ api: () => ({ guilds: { createChannel } }) as unknown as ParleyApi });
    expect(await s.getState().createChannel(G, 'c14', 'text')).toEqual({ ok: true, value: created });
    expect(s.getState().channelsByGuild[G]).toEqual([created]);
  });

  describe('resuming where the user left off', () => {
    const G2 = id(101);
    const guild = (gid: string) => ({ id: gid, name: gid, ownerId: id(1), icon: null, createdAt: at, systemChannelId: null });
    /** An API whose guild list is `list`; channels answer per guild (404 for one not in `channels`), counting the calls. */
    function fakeApi(list: string[], channels: Record<string, Channel[]>) {
      const calls: string[] = [];
      const api = {
        guilds: {
          list: async () => list.map(guild),
          channels: async (gid: string) => {
            calls.push(gid);
            const found = channels[gid];
            if (!found) throw new ApiError('NOT_FOUND', 'Unknown guild', 404);
            return found;
          },
          members: async () => [],
          roles: async () => [],
        },
      };
      return { calls, store: createGuildsStore({ api: () => api as unknown as ParleyApi }) };
    }

    it('when the remembered channel still exists, then it stays selected and its guild is loaded once', async () => {
      const { calls, store: s } = fakeApi([G], { [G]: [chan(11, 'text', 0), chan(15, 'text', 1)] });
      s.getState().resume(G, id(15));
      expect(s.getState().selectedGuildId).toBe(G);
      await s.getState().loadAll();
      expect(s.getState().selectedChannelByGuild[G]).toBe(id(15));
      expect(calls).toEqual([G]);
    });

    it('when the remembered channel is gone, then the first text channel is selected instead', async () => {
      const { store: s } = fakeApi([G], { [G]: [chan(12, 'voice', 0), chan(11, 'text', 1)] });
      s.getState().resume(G, id(99));
      await s.getState().loadAll();
      expect(s.getState().selectedChannelByGuild[G]).toBe(id(11));
    });

    it('when the user is no longer in the remembered guild, then the first listed guild is selected', async () => {
      const { store: s } = fakeApi([G2], { [G2]: [{ ...chan(21, 'text', 0), guildId: G2 }] });
      s.getState().resume(G, id(11));
      await s.getState().loadAll();
      expect(s.getState().selectedGuildId).toBe(G2);
      expect(s.getState().selectedChannelByGuild[G2]).toBe(id(21));
    });

    it('when Home was open last time, then loading the guilds keeps it open; picking a guild or a channel leaves it', async () => {
      const { store: s } = fakeApi([G], { [G]: [chan(11, 'text', 0)] });
      s.getState().resume(G, id(11));
      s.getState().openHome();
      await s.getState().loadAll();
      expect(s.getState().home).toBe(true);
      expect(s.getState().selectedGuildId).toBe(G);
      s.getState().selectGuild(G);
      expect(s.getState().home).toBe(false);
      s.getState().openHome();
      s.getState().selectChannel(G, id(11));
      expect(s.getState().home).toBe(false);
    });
  });
});

describe('guilds store: a REST load overtaken by the gateway', () => {
  function deferredApi() {
    let answer: (list: Channel[]) => void = () => undefined;
    const channels = () => new Promise<Channel[]>((r) => (answer = r));
    const api = { guilds: { channels, members: async () => [], roles: async () => [] } } as unknown as ParleyApi;
    return { api, answer: (list: Channel[]) => answer(list) };
  }

  it('when a channel is created while the guild\u2019s channels are being loaded, then the older list does not remove it', async () => {
    const { api, answer } = deferredApi();
    const s = createGuildsStore({ api: () => api });
    const loading = s.getState().loadGuild(G);
    s.getState().applySnapshot(snapshot());
    const created = chan(14, 'text', 3);
    s.getState().upsertChannel(created);
    answer([chan(11, 'text', 0), chan(12, 'text', 1), chan(13, 'voice', 2)]);
    await loading;
    expect(s.getState().channelsByGuild[G]?.map((c) => c.id)).toContain(created.id);
  });

  it('when only events (no READY) arrive during the load, then the loaded list is used with them replayed on top', async () => {
    const { api, answer } = deferredApi();
    const s = createGuildsStore({ api: () => api });
    const loading = s.getState().loadGuild(G);
    s.getState().upsertChannel(chan(14, 'text', 3));
    s.getState().removeChannel(id(12), G);
    answer([chan(11, 'text', 0), chan(12, 'text', 1), chan(13, 'voice', 2)]);
    await loading;
    expect(s.getState().channelsByGuild[G]?.map((c) => c.id)).toEqual([id(11), id(13), id(14)]);
  });

  it('when nothing changed meanwhile, then the loaded list is what the store holds', async () => {
    const { api, answer } = deferredApi();
    const s = createGuildsStore({ api: () => api });
    const loading = s.getState().loadGuild(G);
    answer([chan(12, 'text', 1), chan(11, 'text', 0)]);
    await loading;
    expect(s.getState().channelsByGuild[G]?.map((c) => c.id)).toEqual([id(11), id(12)]);
  });
});

describe('sortChannels', () => {
  it("when a temporary channel shares its join-to-create channel's position, then it comes right after it, whatever its name", () => {
    const lobby = { ...chan(1, 'voice', 2), name: 'Zz join here', joinToCreate: true };
    const temp = { ...chan(2, 'voice', 2), name: "Ann's channel", tempOwnerId: id(9) };
    const other = chan(3, 'voice', 3);
    expect(sortChannels([other, temp, lobby]).map((c) => c.id)).toEqual([lobby.id, temp.id, other.id]);
  });
});
