import { createStore, type StoreApi } from 'zustand/vanilla';
import type { GuildRemoval } from '@shared/api/gateway';
import type { ParleyApi } from '../../api/parley-api';
import { attempt, type Result } from '../../api/result';
import type { Member } from '../../api/types';

/** Where a member menu was opened from: the voice participant's menu also holds the per-user volume. */
export type MenuSource = 'members' | 'chat' | 'voice';

export interface OpenMenu {
  guildId: string;
  userId: string;
  source: MenuSource;
  x: number;
  y: number;
}

export type MemberDialog = 'profile' | 'nickname' | 'roles' | 'kick' | 'ban' | 'move' | 'purge';

/** A guild a moderator removed us from, shown on the removal screen until dismissed. */
export interface RemovalNotice extends GuildRemoval {
  guildId: string;
  guildName: string;
}

/** The API's ban windows (BanBody.deleteMessageSeconds), in the order the ban dialog offers them. */
export const DELETE_HISTORY_CHOICES = [
  { seconds: 0, label: "Don't delete any" },
  { seconds: 3600, label: 'Previous hour' },
  { seconds: 86_400, label: 'Previous 24 hours' },
  { seconds: 604_800, label: 'Previous 7 days' },
] as const;
export type DeleteHistorySeconds = (typeof DELETE_HISTORY_CHOICES)[number]['seconds'];

/** "Delete recent messages…": how far back (null = all of them), in the order the dialog offers them. */
export const PURGE_CHOICES = [
  { seconds: 3600, label: 'Previous hour' },
  { seconds: 86_400, label: 'Previous 24 hours' },
  { seconds: 604_800, label: 'Previous 7 days' },
  { seconds: null, label: 'All their messages' },
] as const;
export type PurgeSeconds = (typeof PURGE_CHOICES)[number]['seconds'];

export interface MembersState {
  menu: OpenMenu | null;
  dialog: { kind: MemberDialog; guildId: string; userId: string } | null;
  removals: RemovalNotice[];
}

export interface MembersActions {
  openMenu(menu: OpenMenu): void;
  closeMenu(): void;
  openDialog(kind: MemberDialog): void;
  closeDialog(): void;
  noteRemoval(notice: RemovalNotice): void;
  dismissRemoval(guildId: string): void;
  setNickname(guildId: string, userId: string, nick: string | null): Promise<Result>;
  setRole(guildId: string, userId: string, roleId: string, give: boolean): Promise<Result>;
  kick(guildId: string, userId: string): Promise<Result>;
  ban(guildId: string, userId: string, reason: string, deleteMessageSeconds: DeleteHistorySeconds): Promise<Result>;
  moderateVoice(
    guildId: string,
    userId: string,
    flags: { serverMute?: boolean; serverDeaf?: boolean; serverVideoOff?: boolean; serverStreamOff?: boolean },
  ): Promise<Result>;
  move(guildId: string, userId: string, channelId: string): Promise<Result>;
  disconnect(guildId: string, userId: string): Promise<Result>;
  /** The member as the server has it now (the profile card), or null when they are gone or it failed. */
  fetchMember(guildId: string, userId: string): Promise<Member | null>;
  /** Answers how many messages were deleted. */
  purgeMessages(guildId: string, userId: string, sinceSeconds: PurgeSeconds): Promise<Result<number>>;
  /** Leave a guild (not for its owner: the server refuses, the menu explains). */
  leaveGuild(guildId: string): Promise<Result>;
  reset(): void;
}

export type MembersStore = StoreApi<MembersState & MembersActions>;

/**
 * Member actions (moderation) and the UI state around them: which member menu or dialog is open, and the removal
 * notices to show. Actions return a result; the gateway brings the resulting changes to every client, this one too.
 */
export function createMembersStore(deps: { api: () => ParleyApi }): MembersStore {
  const run = (call: () => Promise<unknown>): Promise<Result> =>
    attempt(async () => {
      await call();
      return undefined;
    });
  return createStore<MembersState & MembersActions>()((set, get) => ({
    menu: null,
    dialog: null,
    removals: [],
    openMenu(menu) {
      set({ menu, dialog: null });
    },
    closeMenu() {
      set({ menu: null });
    },
    openDialog(kind) {
      const m = get().menu;
      if (m) set({ menu: null, dialog: { kind, guildId: m.guildId, userId: m.userId } });
    },
    closeDialog() {
      set({ dialog: null });
    },
    noteRemoval(notice) {
      set((s) => ({ removals: [...s.removals.filter((r) => r.guildId !== notice.guildId), notice] }));
    },
    dismissRemoval(guildId) {
      set((s) => ({ removals: s.removals.filter((r) => r.guildId !== guildId) }));
    },
    setNickname: (guildId, userId, nick) => run(() => deps.api().members.update(guildId, userId, { nick })),
    setRole: (guildId, userId, roleId, give) =>
      run(() => (give ? deps.api().members.addRole(guildId, userId, roleId) : deps.api().members.removeRole(guildId, userId, roleId))),
    kick: (guildId, userId) => run(() => deps.api().members.kick(guildId, userId)),
    ban: (guildId, userId, reason, deleteMessageSeconds) =>
      run(() => deps.api().members.ban(guildId, userId, { ...(reason.trim() ? { reason: reason.trim() } : {}), deleteMessageSeconds })),
    moderateVoice: (guildId, userId, flags) => run(() => deps.api().members.moderateVoice(guildId, userId, flags)),
    move: (guildId, userId, channelId) => run(() => deps.api().members.moderateVoice(guildId, userId, { channelId })),
    disconnect: (guildId, userId) => run(() => deps.api().members.disconnectVoice(guildId, userId)),
    async fetchMember(guildId, userId) {
      try {
        return await deps.api().members.get(guildId, userId);
      } catch {
        return null;
      }
    },
    purgeMessages: (guildId, userId, sinceSeconds) =>
      attempt(async () => (await deps.api().members.purgeMessages(guildId, userId, sinceSeconds ?? undefined)).deleted),
    leaveGuild: (guildId) => run(() => deps.api().guilds.leave(guildId)),
    reset() {
      set({ menu: null, dialog: null, removals: [] });
    },
  }));
}
