import { createStore, type StoreApi } from 'zustand/vanilla';
import { describeError } from '../../api/http-client';
import type { ParleyApi } from '../../api/parley-api';
import type { Channel, Guild, GuildSnapshot, Member, PresenceStatus, Role, VoiceState } from '../../api/types';

export interface GuildsState {
  guilds: Guild[];
  channelsByGuild: Record<string, Channel[]>;
  membersByGuild: Record<string, Member[]>;
  rolesByGuild: Record<string, Role[]>;
  presence: Record<string, PresenceStatus>;
  /** Who is in which voice channel, as the server sees it (from the gateway), keyed by channelId. */
  voiceByChannel: Record<string, VoiceState[]>;
  selectedGuildId: string | null;
  /** Last text channel opened per guild, so switching guilds returns you where you were. */
  selectedChannelByGuild: Record<string, string>;
  /** Newest message id per channel we know of, and the newest we have seen: unread = they differ. */
  lastMessageId: Record<string, string>;
  lastReadId: Record<string, string>;
  mentionCount: Record<string, number>;
  loaded: boolean;
  error: string | null;
}

export interface GuildsActions {
  loadAll(): Promise<void>;
  loadGuild(guildId: string): Promise<void>;
  selectGuild(guildId: string | null): void;
  selectChannel(guildId: string, channelId: string): void;
  createGuild(name: string): Promise<Guild | null>;
  createChannel(guildId: string, name: string, type: 'text' | 'voice', parentId?: string | null): Promise<Channel | null>;
  joinInvite(code: string): Promise<Guild | null>;
  createInvite(guildId: string): Promise<string | null>;
  markRead(channelId: string, messageId: string): void;
  noteMessage(channelId: string, messageId: string, mentionsMe: boolean, isOwn: boolean): void;
  upsertGuild(guild: Guild): void;
  removeGuild(guildId: string): void;
  upsertChannel(channel: Channel): void;
  removeChannel(channelId: string, guildId: string): void;
  upsertMember(member: Member): void;
  removeMember(guildId: string, userId: string): void;
  setPresence(userId: string, presence: PresenceStatus): void;
  upsertRole(role: Role): void;
  removeRole(guildId: string, roleId: string): void;
  /** READY / GUILD_CREATE: one guild's channels, roles, online members, presences and voice states at once. */
  applySnapshot(snapshot: GuildSnapshot): void;
  setVoiceState(state: VoiceState | { userId: string; channelId: null; guildId: string }): void;
  setGuildVoiceStates(guildId: string, states: VoiceState[]): void;
  reset(): void;
}

export type GuildsStore = StoreApi<GuildsState & GuildsActions>;

const initial: GuildsState = {
  guilds: [],
  channelsByGuild: {},
  membersByGuild: {},
  rolesByGuild: {},
  presence: {},
  voiceByChannel: {},
  selectedGuildId: null,
  selectedChannelByGuild: {},
  lastMessageId: {},
  lastReadId: {},
  mentionCount: {},
  loaded: false,
  error: null,
};

export function sortChannels(channels: Channel[]): Channel[] {
  return [...channels].sort((a, b) => a.position - b.position || a.name.localeCompare(b.name));
}

export interface ReadStateStorage {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
}

export function createGuildsStore(deps: { api: () => ParleyApi; storage?: ReadStateStorage }): GuildsStore {
  // v2: message ids changed layout when messages became documents (server migration 001); read markers saved with
  // the earlier ids do not compare with the new ones, so they are left behind.
  const readKey = 'readState.v2';
  const savedRead = deps.storage?.get<Record<string, string>>(readKey) ?? {};

  return createStore<GuildsState & GuildsActions>()((set, get) => {
    function ensureSelection(guildId: string) {
      if (!get().selectedGuildId) set({ selectedGuildId: guildId });
      if (get().selectedChannelByGuild[guildId]) return;
      const firstText = (get().channelsByGuild[guildId] ?? []).find((c) => c.type === 'text');
      if (firstText) set((s) => ({ selectedChannelByGuild: { ...s.selectedChannelByGuild, [guildId]: firstText.id } }));
    }
    /** Creating a guild and accepting an invite both end with the user inside it: shown, selected and loaded. */
    async function enter(load: () => Promise<Guild>): Promise<Guild | null> {
      try {
        const guild = await load();
        get().upsertGuild(guild);
        get().selectGuild(guild.id);
        await get().loadGuild(guild.id);
        return guild;
      } catch (err) {
        set({ error: describeError(err) });
        return null;
      }
    }
    return {
    ...initial,
    lastReadId: savedRead,

    async loadAll() {
      try {
        const guilds = await deps.api().guilds.list();
        set({ guilds, loaded: true, error: null });
        const sel = get().selectedGuildId;
        const target = sel && guilds.some((g) => g.id === sel) ? sel : (guilds[0]?.id ?? null);
        get().selectGuild(target);
        await Promise.all(guilds.map((g) => get().loadGuild(g.id)));
      } catch (err) {
        set({ loaded: true, error: describeError(err) });
      }
    },

    async loadGuild(guildId) {
      const api = deps.api();
      const [channels, members, roles] = await Promise.all([
        api.guilds.channels(guildId),
        api.guilds.members(guildId).catch(() => [] as Member[]),
        api.guilds.roles(guildId).catch(() => [] as Role[]),
      ]);
      set((s) => ({
        channelsByGuild: { ...s.channelsByGuild, [guildId]: sortChannels(channels) },
        lastMessageId: withLastMessageIds(s.lastMessageId, channels),
        membersByGuild: { ...s.membersByGuild, [guildId]: mergeMembers(s.membersByGuild[guildId] ?? [], members) },
        rolesByGuild: { ...s.rolesByGuild, [guildId]: roles },
      }));
      ensureSelection(guildId);
    },

    applySnapshot(snap) {
      const guildId = snap.guild.id;
      get().upsertGuild(snap.guild);
      set((s) => {
        const presence = { ...s.presence };
        for (const p of snap.presences) presence[p.userId] = p.status;
        return {
          channelsByGuild: { ...s.channelsByGuild, [guildId]: sortChannels(snap.channels) },
          lastMessageId: withLastMessageIds(s.lastMessageId, snap.channels),
          rolesByGuild: { ...s.rolesByGuild, [guildId]: snap.roles },
          membersByGuild: {
            ...s.membersByGuild,
            [guildId]: mergeMembers(s.membersByGuild[guildId] ?? [], [snap.me, ...snap.onlineMembers]),
          },
          presence,
          loaded: true,
        };
      });
      get().setGuildVoiceStates(guildId, snap.voiceStates);
      ensureSelection(guildId);
    },

    selectGuild(guildId) {
      set({ selectedGuildId: guildId });
    },

    selectChannel(guildId, channelId) {
      set((s) => ({ selectedGuildId: guildId, selectedChannelByGuild: { ...s.selectedChannelByGuild, [guildId]: channelId } }));
    },

    createGuild(name) {
      return enter(() => deps.api().guilds.create(name));
    },

    async createChannel(guildId, name, type, parentId) {
      try {
        const channel = await deps.api().guilds.createChannel(guildId, { name, type, parentId: parentId ?? null });
        get().upsertChannel(channel);
        return channel;
      } catch (err) {
        set({ error: describeError(err) });
        return null;
      }
    },

    joinInvite(code) {
      return enter(() => deps.api().guilds.joinInvite(code));
    },

    async createInvite(guildId) {
      try {
        const invite = await deps.api().guilds.createInvite(guildId);
        return invite.code;
      } catch (err) {
        set({ error: describeError(err) });
        return null;
      }
    },

    markRead(channelId, messageId) {
      const cur = get().lastReadId[channelId];
      if (cur !== undefined && cur >= messageId && get().mentionCount[channelId] === undefined) return;
      const lastReadId = { ...get().lastReadId, [channelId]: cur !== undefined && cur > messageId ? cur : messageId };
      const { [channelId]: _dropped, ...mentionCount } = get().mentionCount;
      set({ lastReadId, mentionCount });
      deps.storage?.set(readKey, lastReadId);
    },

    noteMessage(channelId, messageId, mentionsMe, isOwn) {
      set((s) => ({
        lastMessageId: { ...s.lastMessageId, [channelId]: messageId },
        mentionCount:
          mentionsMe && !isOwn ? { ...s.mentionCount, [channelId]: (s.mentionCount[channelId] ?? 0) + 1 } : s.mentionCount,
      }));
      if (isOwn) get().markRead(channelId, messageId);
    },

    upsertGuild(guild) {
      set((s) => {
        const i = s.guilds.findIndex((g) => g.id === guild.id);
        const guilds = i < 0 ? [...s.guilds, guild] : s.guilds.map((g) => (g.id === guild.id ? guild : g));
        return { guilds };
      });
    },

    removeGuild(guildId) {
      set((s) => ({
        guilds: s.guilds.filter((g) => g.id !== guildId),
        selectedGuildId: s.selectedGuildId === guildId ? (s.guilds.find((g) => g.id !== guildId)?.id ?? null) : s.selectedGuildId,
      }));
    },

    upsertChannel(channel) {
      set((s) => {
        const list = s.channelsByGuild[channel.guildId] ?? [];
        const next = list.some((c) => c.id === channel.id)
          ? list.map((c) => (c.id === channel.id ? channel : c))
          : [...list, channel];
        return { channelsByGuild: { ...s.channelsByGuild, [channel.guildId]: sortChannels(next) } };
      });
    },

    removeChannel(channelId, guildId) {
      set((s) => ({
        channelsByGuild: {
          ...s.channelsByGuild,
          [guildId]: (s.channelsByGuild[guildId] ?? []).filter((c) => c.id !== channelId),
        },
      }));
    },

    upsertMember(member) {
      set((s) => {
        const list = s.membersByGuild[member.guildId] ?? [];
        return { membersByGuild: { ...s.membersByGuild, [member.guildId]: mergeMembers(list, [member]) } };
      });
    },

    removeMember(guildId, userId) {
      set((s) => ({
        membersByGuild: { ...s.membersByGuild, [guildId]: (s.membersByGuild[guildId] ?? []).filter((m) => m.user.id !== userId) },
      }));
    },

    upsertRole(role) {
      set((s) => {
        const list = (s.rolesByGuild[role.guildId] ?? []).filter((r) => r.id !== role.id);
        return { rolesByGuild: { ...s.rolesByGuild, [role.guildId]: [...list, role].sort((a, b) => b.position - a.position) } };
      });
    },

    removeRole(guildId, roleId) {
      set((s) => ({ rolesByGuild: { ...s.rolesByGuild, [guildId]: (s.rolesByGuild[guildId] ?? []).filter((r) => r.id !== roleId) } }));
    },

    setPresence(userId, presence) {
      if (get().presence[userId] === presence) return;
      set((s) => ({ presence: { ...s.presence, [userId]: presence } }));
    },

    setVoiceState(state) {
      set((s) => {
        const voiceByChannel: Record<string, VoiceState[]> = {};
        // A user is in at most one voice channel: drop them everywhere, then add them where they are now.
        for (const [cid, list] of Object.entries(s.voiceByChannel)) {
          const filtered = list.filter((v) => v.userId !== state.userId);
          if (filtered.length > 0) voiceByChannel[cid] = filtered;
        }
        if (state.channelId !== null) {
          voiceByChannel[state.channelId] = [...(voiceByChannel[state.channelId] ?? []), state as VoiceState];
        }
        return { voiceByChannel };
      });
    },

    setGuildVoiceStates(guildId, states) {
      set((s) => {
        const voiceByChannel: Record<string, VoiceState[]> = {};
        for (const [cid, list] of Object.entries(s.voiceByChannel)) {
          const kept = list.filter((v) => v.guildId !== guildId);
          if (kept.length > 0) voiceByChannel[cid] = kept;
        }
        for (const v of states) voiceByChannel[v.channelId] = [...(voiceByChannel[v.channelId] ?? []), v];
        return { voiceByChannel };
      });
    },

    reset() {
      set({ ...initial, lastReadId: get().lastReadId });
    },
  };
  });
}

function mergeMembers(existing: Member[], incoming: Member[]): Member[] {
  const byId = new Map(existing.map((m) => [m.user.id, m]));
  for (const m of incoming) byId.set(m.user.id, m);
  return [...byId.values()];
}

/**
 * The server's newest message id per channel (lists, READY) merged into what we know: with the read markers kept in
 * storage, a channel that got messages while we were away shows unread after a restart.
 */
function withLastMessageIds(known: Record<string, string>, channels: readonly Channel[]): Record<string, string> {
  const next = { ...known };
  for (const c of channels) {
    const cur = next[c.id];
    if (c.lastMessageId && (cur === undefined || cur < c.lastMessageId)) next[c.id] = c.lastMessageId;
  }
  return next;
}

/** A channel is unread when the newest message we know of is newer than the newest we have read. */
export function isUnread(s: Pick<GuildsState, 'lastMessageId' | 'lastReadId'>, channelId: string): boolean {
  const last = s.lastMessageId[channelId];
  if (!last) return false;
  const read = s.lastReadId[channelId];
  return read === undefined || read < last;
}
