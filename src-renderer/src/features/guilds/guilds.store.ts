import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ParleyApi } from '../../api/parley-api';
import { failure, ok, type Result } from '../../api/result';
import type { Channel, Guild, GuildSnapshot, Member, PresenceStatus, Role } from '../../api/types';

export interface GuildsState {
  guilds: Guild[];
  channelsByGuild: Record<string, Channel[]>;
  membersByGuild: Record<string, Member[]>;
  rolesByGuild: Record<string, Role[]>;
  presence: Record<string, PresenceStatus>;
  selectedGuildId: string | null;
  /** Last text channel opened per guild, so switching guilds returns you where you were. */
  selectedChannelByGuild: Record<string, string>;
  /** The Home view (friends and DMs) is shown instead of the selected guild, which stays chosen for the way back. */
  home: boolean;
  loaded: boolean;
}

export interface GuildsActions {
  loadAll(): Promise<void>;
  /**
   * Reopen where the user left off (the guild and channel of the last session on this device): selected at once and
   * that guild loaded now, in parallel with the guild list, so its chat does not wait for the list.
   */
  resume(guildId: string, channelId: string): void;
  loadGuild(guildId: string): Promise<void>;
  selectGuild(guildId: string | null): void;
  selectChannel(guildId: string, channelId: string): void;
  /** Home in the guild rail: friends and DMs (features/home); picking a guild or a channel leaves it. */
  openHome(): void;
  createGuild(name: string): Promise<Result<Guild>>;
  createChannel(guildId: string, name: string, type: 'text' | 'voice', parentId?: string | null): Promise<Result<Channel>>;
  joinInvite(code: string): Promise<Result<Guild>>;
  upsertGuild(guild: Guild): void;
  removeGuild(guildId: string): void;
  upsertChannel(channel: Channel): void;
  removeChannel(channelId: string, guildId: string): void;
  upsertMember(member: Member): void;
  removeMember(guildId: string, userId: string): void;
  setPresence(userId: string, presence: PresenceStatus): void;
  upsertRole(role: Role): void;
  removeRole(guildId: string, roleId: string): void;
  /**
   * READY / GUILD_CREATE: one guild's channels, roles, online members and presences at once. (Its voice states go to
   * voice-presence.store and the channels' newest message ids to unread.store: app/services.ts feeds both.)
   */
  applySnapshot(snapshot: GuildSnapshot): void;
  reset(): void;
}

export type GuildsStore = StoreApi<GuildsState & GuildsActions>;

const initial: GuildsState = {
  guilds: [],
  channelsByGuild: {},
  membersByGuild: {},
  rolesByGuild: {},
  presence: {},
  selectedGuildId: null,
  selectedChannelByGuild: {},
  home: false,
  loaded: false,
};

export function sortChannels(channels: Channel[]): Channel[] {
  // A temporary channel shares its join-to-create channel's position and comes right after it.
  return [...channels].sort(
    (a, b) => a.position - b.position || Number(!!b.joinToCreate) - Number(!!a.joinToCreate) || a.name.localeCompare(b.name),
  );
}

export function createGuildsStore(deps: { api: () => ParleyApi }): GuildsStore {
  return createStore<GuildsState & GuildsActions>()((set, get) => {
    // Guild loads in flight and done this session, so a resumed guild is not fetched again when the guild list names it.
    const inflight = new Map<string, Promise<void>>();
    const loadedGuilds = new Set<string>();
    /**
     * Live changes (READY snapshots, channel and role events) that arrive while a guild's REST load is on the way. Its
     * lists are older than them: a channel created meanwhile vanished until a reload. So the load applies its lists and
     * then replays these changes; after a snapshot (a complete, newer state) it keeps the store's lists instead.
     */
    interface LiveLog {
      snapshot: boolean;
      channels: ((list: Channel[]) => Channel[])[];
      roles: ((list: Role[]) => Role[])[];
    }
    const liveLogs = new Map<string, Set<LiveLog>>();
    const logLive = (guildId: string, change: Partial<LiveLog>) => {
      for (const log of liveLogs.get(guildId) ?? []) {
        if (change.snapshot) log.snapshot = true;
        log.channels.push(...(change.channels ?? []));
        log.roles.push(...(change.roles ?? []));
      }
    };
    const withChannel = (channel: Channel) => (list: Channel[]) =>
      sortChannels(list.some((c) => c.id === channel.id) ? list.map((c) => (c.id === channel.id ? channel : c)) : [...list, channel]);
    const withoutChannel = (channelId: string) => (list: Channel[]) => list.filter((c) => c.id !== channelId);
    const withRole = (role: Role) => (list: Role[]) =>
      [...list.filter((r) => r.id !== role.id), role].sort((a, b) => b.position - a.position);
    const withoutRole = (roleId: string) => (list: Role[]) => list.filter((r) => r.id !== roleId);
    function ensureSelection(guildId: string) {
      if (!get().selectedGuildId) set({ selectedGuildId: guildId });
      const chosen = get().selectedChannelByGuild[guildId];
      // A channel remembered from an earlier session may have been deleted (or hidden) meanwhile.
      if (chosen && (get().channelsByGuild[guildId] ?? []).some((c) => c.id === chosen)) return;
      const firstText = (get().channelsByGuild[guildId] ?? []).find((c) => c.type === 'text');
      if (firstText) set((s) => ({ selectedChannelByGuild: { ...s.selectedChannelByGuild, [guildId]: firstText.id } }));
    }
    async function load(guildId: string): Promise<void> {
      const api = deps.api();
      const live: LiveLog = { snapshot: false, channels: [], roles: [] };
      const logs = liveLogs.get(guildId) ?? new Set<LiveLog>();
      liveLogs.set(guildId, logs.add(live));
      let channels: Channel[];
      let members: Member[];
      let roles: Role[];
      try {
        [channels, members, roles] = await Promise.all([
          api.guilds.channels(guildId),
          api.guilds.members(guildId).catch(() => [] as Member[]),
          api.guilds.roles(guildId).catch(() => [] as Role[]),
        ]);
      } finally {
        logs.delete(live);
      }
      const newer = <T>(loaded: T[], replay: ((list: T[]) => T[])[]) => replay.reduce((list, change) => change(list), loaded);
      set((s) => ({
        channelsByGuild: live.snapshot
          ? s.channelsByGuild
          : { ...s.channelsByGuild, [guildId]: same(s.channelsByGuild[guildId], newer(sortChannels(channels), live.channels)) },
        membersByGuild: { ...s.membersByGuild, [guildId]: mergeMembers(s.membersByGuild[guildId] ?? [], members) },
        rolesByGuild: live.snapshot
          ? s.rolesByGuild
          : { ...s.rolesByGuild, [guildId]: same(s.rolesByGuild[guildId], newer(roles, live.roles)) },
      }));
      loadedGuilds.add(guildId);
      ensureSelection(guildId);
    }
    /** Creating a guild and accepting an invite both end with the user inside it: shown, selected and loaded. */
    async function enter(load: () => Promise<Guild>): Promise<Result<Guild>> {
      try {
        const guild = await load();
        get().upsertGuild(guild);
        get().selectGuild(guild.id);
        await get().loadGuild(guild.id);
        return ok(guild);
      } catch (err) {
        return failure(err);
      }
    }
    return {
      ...initial,

      async loadAll() {
        try {
          const guilds = await deps.api().guilds.list();
          set({ guilds, loaded: true });
          const sel = get().selectedGuildId;
          const target = sel && guilds.some((g) => g.id === sel) ? sel : (guilds[0]?.id ?? null);
          // Not selectGuild: choosing which guild is current must not leave Home (reopened from the last location).
          set({ selectedGuildId: target });
          await Promise.all(guilds.filter((g) => !loadedGuilds.has(g.id)).map((g) => inflight.get(g.id) ?? get().loadGuild(g.id)));
        } catch {
          // The shell shows no guilds; the gateway's READY (or the next start) brings them.
          set({ loaded: true });
        }
      },

      resume(guildId, channelId) {
        set((s) => ({ selectedGuildId: guildId, selectedChannelByGuild: { ...s.selectedChannelByGuild, [guildId]: channelId } }));
        // Not a member any more: the guild list (loadAll) does not name it and selects another.
        get()
          .loadGuild(guildId)
          .catch(() => undefined);
      },

      loadGuild(guildId) {
        const running = (async () => {
          try {
            await load(guildId);
          } finally {
            inflight.delete(guildId);
          }
        })();
        inflight.set(guildId, running);
        return running;
      },

      applySnapshot(snap) {
        const guildId = snap.guild.id;
        logLive(guildId, { snapshot: true });
        get().upsertGuild(snap.guild);
        set((s) => {
          const changed = snap.presences.filter((p) => s.presence[p.userId] !== p.status);
          const presence = changed.length === 0 ? s.presence : { ...s.presence };
          for (const p of changed) presence[p.userId] = p.status;
          return {
            channelsByGuild: { ...s.channelsByGuild, [guildId]: same(s.channelsByGuild[guildId], sortChannels(snap.channels)) },
            rolesByGuild: { ...s.rolesByGuild, [guildId]: same(s.rolesByGuild[guildId], snap.roles) },
            membersByGuild: {
              ...s.membersByGuild,
              [guildId]: mergeMembers(s.membersByGuild[guildId] ?? [], [snap.me, ...snap.onlineMembers]),
            },
            presence,
            loaded: true,
          };
        });
        ensureSelection(guildId);
      },

      selectGuild(guildId) {
        set({ selectedGuildId: guildId, home: false });
      },

      selectChannel(guildId, channelId) {
        set((s) => ({
          selectedGuildId: guildId,
          home: false,
          selectedChannelByGuild: { ...s.selectedChannelByGuild, [guildId]: channelId },
        }));
      },

      openHome() {
        set({ home: true });
      },

      createGuild(name) {
        return enter(() => deps.api().guilds.create(name));
      },

      async createChannel(guildId, name, type, parentId) {
        try {
          const channel = await deps.api().guilds.createChannel(guildId, { name, type, parentId: parentId ?? null });
          get().upsertChannel(channel);
          return ok(channel);
        } catch (err) {
          return failure(err);
        }
      },

      joinInvite(code) {
        return enter(() => deps.api().guilds.joinInvite(code));
      },

      upsertGuild(guild) {
        set((s) => {
          const i = s.guilds.findIndex((g) => g.id === guild.id);
          if (i >= 0 && same(s.guilds[i], guild) === s.guilds[i]) return {};
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
        logLive(channel.guildId, { channels: [withChannel(channel)] });
        set((s) => ({
          channelsByGuild: { ...s.channelsByGuild, [channel.guildId]: withChannel(channel)(s.channelsByGuild[channel.guildId] ?? []) },
        }));
      },

      removeChannel(channelId, guildId) {
        logLive(guildId, { channels: [withoutChannel(channelId)] });
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
        logLive(role.guildId, { roles: [withRole(role)] });
        set((s) => ({ rolesByGuild: { ...s.rolesByGuild, [role.guildId]: withRole(role)(s.rolesByGuild[role.guildId] ?? []) } }));
      },

      removeRole(guildId, roleId) {
        logLive(guildId, { roles: [withoutRole(roleId)] });
        set((s) => ({ rolesByGuild: { ...s.rolesByGuild, [guildId]: (s.rolesByGuild[guildId] ?? []).filter((r) => r.id !== roleId) } }));
      },

      setPresence(userId, presence) {
        if (get().presence[userId] === presence) return;
        set((s) => ({ presence: { ...s.presence, [userId]: presence } }));
      },

      reset() {
        loadedGuilds.clear();
        set(initial);
      },
    };
  });
}

/** Existing members updated by `incoming`; the same array when nothing changed, so nothing re-renders. */
function mergeMembers(existing: Member[], incoming: Member[]): Member[] {
  const byId = new Map(existing.map((m) => [m.user.id, m]));
  let changed = false;
  for (const m of incoming) {
    const before = byId.get(m.user.id);
    const after = same(before, m);
    if (after !== before) {
      byId.set(m.user.id, after);
      changed = true;
    }
  }
  return changed ? [...byId.values()] : existing;
}

/**
 * `next`, or `prev` when it holds the same data. The REST load and the gateway's READY both deliver a guild's
 * channels, roles and members at start (and READY again on every reconnect): keeping the old objects when nothing
 * changed spares the sidebar, member list and every message row a re-render.
 */
function same<T>(prev: T | undefined, next: T): T {
  return prev !== undefined && JSON.stringify(prev) === JSON.stringify(next) ? prev : next;
}
