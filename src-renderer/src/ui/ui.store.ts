import { createStore, type StoreApi } from 'zustand/vanilla';

export interface Toast {
  id: number;
  kind: 'info' | 'warning' | 'error';
  text: string;
}

export type Modal =
  | { kind: 'settings'; tab: 'voice' | 'appearance' | 'account' | 'privacy' }
  | { kind: 'create-guild' }
  | { kind: 'create-channel'; guildId: string; type: 'text' | 'voice'; parentId: string | null }
  | { kind: 'invite'; guildId: string; code: string | null }
  | { kind: 'server-settings'; guildId: string; tab?: 'overview' | 'roles' | 'invites' | 'bans' | 'audit-log' | 'recordings' | 'webhooks' }
  | { kind: 'channel-recordings'; guildId: string; channelId: string }
  | { kind: 'channel-settings'; guildId: string; channelId: string }
  | { kind: 'create-category'; guildId: string }
  | null;

export interface UiState {
  toasts: Toast[];
  modal: Modal;
  gateway: 'connecting' | 'connected' | 'reconnecting' | 'offline';
  showMembers: boolean;
  /** The open drawer of the narrow layout (under 900 px the channel and member columns are drawers). */
  drawer: Drawer | null;
  /** A voice channel's view shows its text chat (beside the participants; instead of them in the narrow layout). */
  voiceChat: boolean;
  toast(kind: Toast['kind'], text: string, ttlMs?: number): void;
  dismiss(id: number): void;
  /**
   * While held (the pointer on a notice, or the focus in them) no notice goes away; once released, those whose time
   * ran out meanwhile stay TOAST_RESUME_MS more, time to finish reading.
   */
  holdToasts(held: boolean): void;
  open(modal: Modal): void;
  setGateway(state: UiState['gateway']): void;
  toggleMembers(): void;
  openDrawer(drawer: Drawer): void;
  closeDrawer(): void;
  setVoiceChat(open: boolean): void;
}

export type Drawer = 'channels' | 'members';

export const TOAST_RESUME_MS = 2000;

export function createUiStore(): StoreApi<UiState> {
  let seq = 0;
  let held = false;
  // Notices whose time ran out while held.
  const overdue = new Set<number>();
  const expire = (id: number) => {
    if (held) overdue.add(id);
    else store.getState().dismiss(id);
  };
  const store = createStore<UiState>()((set, get) => ({
    toasts: [],
    modal: null,
    gateway: 'offline',
    showMembers: true,
    drawer: null,
    voiceChat: true,
    toast(kind, text, ttlMs = 5000) {
      const id = ++seq;
      set({ toasts: [...get().toasts.slice(-3), { id, kind, text }] });
      setTimeout(() => expire(id), ttlMs);
    },
    dismiss(id) {
      overdue.delete(id);
      set({ toasts: get().toasts.filter((t) => t.id !== id) });
    },
    holdToasts(hold) {
      held = hold;
      if (hold) return;
      for (const id of overdue) setTimeout(() => expire(id), TOAST_RESUME_MS);
      overdue.clear();
    },
    open(modal) {
      set({ modal });
    },
    setGateway(gateway) {
      if (get().gateway !== gateway) set({ gateway });
    },
    toggleMembers() {
      set({ showMembers: !get().showMembers });
    },
    openDrawer(drawer) {
      set({ drawer });
    },
    closeDrawer() {
      if (get().drawer !== null) set({ drawer: null });
    },
    setVoiceChat(voiceChat) {
      if (get().voiceChat !== voiceChat) set({ voiceChat });
    },
  }));
  return store;
}
