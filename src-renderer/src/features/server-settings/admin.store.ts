import type { AuditAction, AuditEntry, Ban, CreateInviteBody, UpdateChannelBody, UpdateRoleBody } from '@shared/api/index';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ParleyApi } from '../../api/parley-api';
import { attempt, type Result } from '../../api/result';
import type { Channel, Guild, Invite, Member, Role } from '../../api/types';
import { applyMoves, type ChannelMove } from '../guilds/channel-order';

/** What the admin actions write back into the app's guild store (the gateway also delivers it, later). */
export interface GuildsSink {
  upsertGuild(g: Guild): void;
  removeGuild(guildId: string): void;
  upsertRole(r: Role): void;
  removeRole(guildId: string, roleId: string): void;
  upsertChannel(c: Channel): void;
  removeChannel(channelId: string, guildId: string): void;
  upsertMember(m: Member): void;
}

export interface InviteMemory {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
}

export interface AuditView {
  items: AuditEntry[];
  nextCursor: string | null;
  action: AuditAction | null;
  loading: boolean;
}

export interface AdminState {
  /** Every member of the guild (paged in from the API), for role membership, overwrites and ownership transfer. */
  members: Record<string, Member[]>;
  invites: Record<string, Invite[]>;
  bans: Record<string, Ban[]>;
  audit: Record<string, AuditView>;
  /** The last invite I created per guild: the invite dialog offers it again while it is usable. */
  myInvites: Record<string, Invite>;
}

export interface AdminActions {
  loadMembers(guildId: string): Promise<Result<Member[]>>;
  loadInvites(guildId: string): Promise<Result<Invite[]>>;
  loadBans(guildId: string): Promise<Result<Ban[]>>;
  loadAudit(guildId: string, action: AuditAction | null, more?: boolean): Promise<Result<AuditEntry[]>>;
  renameGuild(guildId: string, name: string): Promise<Result<Guild>>;
  /** The cropped picture becomes the server's icon (MANAGE_GUILD). */
  setGuildIcon(guildId: string, image: Blob): Promise<Result<Guild>>;
  removeGuildIcon(guildId: string): Promise<Result<Guild>>;
  transferOwnership(guildId: string, userId: string): Promise<Result<Guild>>;
  /** Where "<user> joined the server." is posted (a text channel), or null for nowhere. */
  setSystemChannel(guildId: string, channelId: string | null): Promise<Result<Guild>>;
  deleteGuild(guildId: string): Promise<Result<void>>;
  createRole(guildId: string, name: string, permissions?: number): Promise<Result<Role>>;
  updateRole(guildId: string, roleId: string, body: UpdateRoleBody): Promise<Result<Role>>;
  deleteRole(guildId: string, roleId: string): Promise<Result<void>>;
  /**
   * Puts the custom roles in this order (lowest first, as the route wants it) at once in the store, then asks the
   * server; when it refuses, the previous order comes back and the error is returned.
   */
  reorderRoles(guildId: string, roles: Role[], roleIds: string[]): Promise<Result<Role[]>>;
  /** Applies channel moves at once, then asks the server; on refusal the channels are put back as they were. */
  reorderChannels(guildId: string, channels: Channel[], moves: ChannelMove[]): Promise<Result<Channel[]>>;
  setMemberRole(guildId: string, userId: string, roleId: string, give: boolean): Promise<Result<void>>;
  createInvite(guildId: string, body: CreateInviteBody): Promise<Result<Invite>>;
  revokeInvite(guildId: string, code: string): Promise<Result<void>>;
  /** A usable invite I made for this guild, if I know one (remembered, or from the list when I may read it). */
  findMyInvite(guildId: string, selfId: string, canList: boolean, now?: number): Promise<Invite | null>;
  unban(guildId: string, userId: string): Promise<Result<void>>;
  createCategory(guildId: string, name: string): Promise<Result<Channel>>;
  updateChannel(channelId: string, body: UpdateChannelBody): Promise<Result<Channel>>;
  deleteChannel(channel: Channel): Promise<Result<void>>;
}

export type AdminStore = StoreApi<AdminState & AdminActions>;

/** An invite still lets someone in: not expired, not used up. */
export function isUsable(invite: Invite, now: number): boolean {
  if (invite.expiresAt && Date.parse(invite.expiresAt) <= now) return false;
  return invite.maxUses === 0 || invite.uses < invite.maxUses;
}

/** The new order of the custom roles (lowest first, as the reorder route wants it) after moving one a step. */
export function reorderedRoleIds(guildId: string, roles: readonly Role[], roleId: string, direction: 'up' | 'down'): string[] | null {
  const custom = roles.filter((r) => r.id !== guildId).sort((a, b) => a.position - b.position);
  const i = custom.findIndex((r) => r.id === roleId);
  const j = direction === 'up' ? i + 1 : i - 1;
  if (i < 0 || j < 0 || j >= custom.length) return null;
  const ids = custom.map((r) => r.id);
  [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  return ids;
}

const MY_INVITES_KEY = 'myInvites.v1';

export function createAdminStore(deps: { api: () => ParleyApi; guilds: () => GuildsSink; storage?: InviteMemory }): AdminStore {
  return createStore<AdminState & AdminActions>()((set, get) => {
    const remember = (invite: Invite) => {
      const myInvites = { ...get().myInvites, [invite.guildId]: invite };
      set({ myInvites });
      deps.storage?.set(MY_INVITES_KEY, myInvites);
    };
    const forget = (guildId: string, code: string) => {
      if (get().myInvites[guildId]?.code !== code) return;
      const { [guildId]: _gone, ...myInvites } = get().myInvites;
      set({ myInvites });
      deps.storage?.set(MY_INVITES_KEY, myInvites);
    };
    const setMembers = (guildId: string, fn: (list: Member[]) => Member[]) =>
      set((s) => ({ members: { ...s.members, [guildId]: fn(s.members[guildId] ?? []) } }));

    return {
      members: {},
      invites: {},
      bans: {},
      audit: {},
      myInvites: deps.storage?.get<Record<string, Invite>>(MY_INVITES_KEY) ?? {},

      loadMembers: (guildId) =>
        attempt(async () => {
          const all: Member[] = [];
          let after: string | undefined;
          // Pages of 100 by user id; 20 pages is far beyond a self-hosted community's size.
          for (let i = 0; i < 20; i++) {
            const page = await deps.api().admin.membersPage(guildId, after);
            all.push(...page.items);
            if (!page.nextCursor) break;
            after = page.nextCursor;
          }
          setMembers(guildId, () => all);
          return all;
        }),

      loadInvites: (guildId) =>
        attempt(async () => {
          const items = await deps.api().admin.invites(guildId);
          set((s) => ({ invites: { ...s.invites, [guildId]: items } }));
          return items;
        }),

      loadBans: (guildId) =>
        attempt(async () => {
          const items = await deps.api().admin.bans(guildId);
          set((s) => ({ bans: { ...s.bans, [guildId]: items } }));
          return items;
        }),

      async loadAudit(guildId, action, more = false) {
        const cur = get().audit[guildId];
        const before = more && cur && cur.action === action ? (cur.nextCursor ?? undefined) : undefined;
        if (more && !before) return { ok: true, value: cur?.items ?? [] };
        set((s) => ({
          audit: {
            ...s.audit,
            [guildId]: { items: more ? (cur?.items ?? []) : [], nextCursor: cur?.nextCursor ?? null, action, loading: true },
          },
        }));
        const r = await attempt(() => deps.api().admin.auditLog(guildId, { before, limit: 50, action: action ?? undefined }));
        if (!r.ok) {
          set((s) => ({ audit: { ...s.audit, [guildId]: { items: [], nextCursor: null, action, loading: false } } }));
          return r;
        }
        const items = before ? [...(cur?.items ?? []), ...r.value.items] : r.value.items;
        set((s) => ({ audit: { ...s.audit, [guildId]: { items, nextCursor: r.value.nextCursor, action, loading: false } } }));
        return { ok: true, value: items };
      },

      renameGuild: (guildId, name) =>
        attempt(async () => {
          const g = await deps.api().admin.updateGuild(guildId, { name });
          deps.guilds().upsertGuild(g);
          return g;
        }),

      setGuildIcon: (guildId, image) =>
        attempt(async () => {
          const g = await deps.api().admin.setGuildIcon(guildId, image);
          deps.guilds().upsertGuild(g);
          return g;
        }),

      removeGuildIcon: (guildId) =>
        attempt(async () => {
          const g = await deps.api().admin.removeGuildIcon(guildId);
          deps.guilds().upsertGuild(g);
          return g;
        }),

      transferOwnership: (guildId, userId) =>
        attempt(async () => {
          const g = await deps.api().admin.updateGuild(guildId, { ownerId: userId });
          deps.guilds().upsertGuild(g);
          return g;
        }),

      setSystemChannel: (guildId, channelId) =>
        attempt(async () => {
          const g = await deps.api().admin.updateGuild(guildId, { systemChannelId: channelId });
          deps.guilds().upsertGuild(g);
          return g;
        }),

      deleteGuild: (guildId) =>
        attempt(async () => {
          await deps.api().admin.deleteGuild(guildId);
          deps.guilds().removeGuild(guildId);
        }),

      createRole: (guildId, name, permissions = 0) =>
        attempt(async () => {
          const role = await deps.api().admin.createRole(guildId, { name, permissions });
          deps.guilds().upsertRole(role);
          return role;
        }),

      updateRole: (guildId, roleId, body) =>
        attempt(async () => {
          const role = await deps.api().admin.updateRole(guildId, roleId, body);
          deps.guilds().upsertRole(role);
          return role;
        }),

      deleteRole: (guildId, roleId) =>
        attempt(async () => {
          await deps.api().admin.deleteRole(guildId, roleId);
          deps.guilds().removeRole(guildId, roleId);
          setMembers(guildId, (list) => list.map((m) => ({ ...m, roleIds: m.roleIds.filter((id) => id !== roleId) })));
        }),

      async reorderRoles(guildId, roles, roleIds) {
        const moved = roles.flatMap((r) => {
          const i = roleIds.indexOf(r.id);
          return i >= 0 && r.position !== i + 1 ? [{ before: r, after: { ...r, position: i + 1 } }] : [];
        });
        if (moved.length === 0) return { ok: true, value: roles };
        for (const m of moved) deps.guilds().upsertRole(m.after);
        const r = await attempt(() => deps.api().admin.reorderRoles(guildId, roleIds));
        if (r.ok) for (const role of r.value) deps.guilds().upsertRole(role);
        else for (const m of moved) deps.guilds().upsertRole(m.before);
        return r;
      },

      async reorderChannels(guildId, channels, moves) {
        if (moves.length === 0) return { ok: true, value: channels };
        const ids = new Set(moves.map((m) => m.id));
        for (const c of applyMoves(channels, moves)) if (ids.has(c.id)) deps.guilds().upsertChannel(c);
        const r = await attempt(() => deps.api().admin.reorderChannels(guildId, { channels: moves }));
        if (r.ok) for (const c of r.value) deps.guilds().upsertChannel(c);
        else for (const c of channels) if (ids.has(c.id)) deps.guilds().upsertChannel(c);
        return r;
      },

      setMemberRole: (guildId, userId, roleId, give) =>
        attempt(async () => {
          if (give) await deps.api().members.addRole(guildId, userId, roleId);
          else await deps.api().members.removeRole(guildId, userId, roleId);
          const apply = (m: Member): Member =>
            m.user.id !== userId
              ? m
              : { ...m, roleIds: give ? [...new Set([...m.roleIds, roleId])] : m.roleIds.filter((id) => id !== roleId) };
          setMembers(guildId, (list) => list.map(apply));
          const known = get().members[guildId]?.find((m) => m.user.id === userId);
          if (known) deps.guilds().upsertMember(known);
        }),

      createInvite: (guildId, body) =>
        attempt(async () => {
          const invite = await deps.api().admin.createInvite(guildId, body);
          remember(invite);
          set((s) => ({ invites: { ...s.invites, [guildId]: [invite, ...(s.invites[guildId] ?? [])] } }));
          return invite;
        }),

      revokeInvite: (guildId, code) =>
        attempt(async () => {
          await deps.api().admin.revokeInvite(code);
          forget(guildId, code);
          set((s) => ({ invites: { ...s.invites, [guildId]: (s.invites[guildId] ?? []).filter((i) => i.code !== code) } }));
        }),

      async findMyInvite(guildId, selfId, canList, now = Date.now()) {
        if (canList) {
          const r = await get().loadInvites(guildId);
          if (r.ok) {
            const mine = r.value.filter((i) => i.inviterId === selfId && isUsable(i, now));
            // Prefer one that never runs out, then the newest.
            mine.sort((a, b) => Number(b.maxUses === 0) - Number(a.maxUses === 0) || b.createdAt.localeCompare(a.createdAt));
            if (mine[0]) {
              remember(mine[0]);
              return mine[0];
            }
            const known = get().myInvites[guildId];
            if (known) forget(guildId, known.code);
            return null;
          }
        }
        const known = get().myInvites[guildId];
        return known && known.inviterId === selfId && isUsable(known, now) ? known : null;
      },

      unban: (guildId, userId) =>
        attempt(async () => {
          await deps.api().admin.unban(guildId, userId);
          set((s) => ({ bans: { ...s.bans, [guildId]: (s.bans[guildId] ?? []).filter((b) => b.user.id !== userId) } }));
        }),

      createCategory: (guildId, name) =>
        attempt(async () => {
          const channel = await deps.api().guilds.createChannel(guildId, { type: 'category', name });
          deps.guilds().upsertChannel(channel);
          return channel;
        }),

      updateChannel: (channelId, body) =>
        attempt(async () => {
          const channel = await deps.api().admin.updateChannel(channelId, body);
          deps.guilds().upsertChannel(channel);
          return channel;
        }),

      deleteChannel: (channel) =>
        attempt(async () => {
          await deps.api().admin.deleteChannel(channel.id);
          deps.guilds().removeChannel(channel.id, channel.guildId);
        }),
    };
  });
}
