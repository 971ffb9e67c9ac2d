import { createStore, type StoreApi } from 'zustand/vanilla';
import type { VoiceGuest, VoiceGuestUpdateEvent, VoiceState } from '../../api/types';

/**
 * Who is in which voice channel, as the server sees it, keyed by channelId: the guild snapshots' voiceStates and
 * VOICE_STATE_UPDATE events from the gateway. (The call we are in ourselves is voice.store, driven by LiveKit.)
 */
export interface VoicePresenceState {
  voiceByChannel: Record<string, VoiceState[]>;
  /** The voice widget's guests, keyed by channelId (snapshots' voiceGuests and VOICE_GUEST_UPDATE). */
  guestsByChannel: Record<string, VoiceGuest[]>;
}

export interface VoicePresenceActions {
  setVoiceState(state: VoiceState | { userId: string; channelId: null; guildId: string }): void;
  /** READY / GUILD_CREATE: replaces one guild's voice states. */
  setGuildVoiceStates(guildId: string, states: readonly VoiceState[]): void;
  /** VOICE_GUEST_UPDATE: a guest joined (or moved to) a channel, or left. */
  setGuest(event: VoiceGuestUpdateEvent): void;
  /** READY / GUILD_CREATE: replaces one guild's guests. */
  setGuildGuests(guildId: string, guests: readonly VoiceGuest[]): void;
  reset(): void;
}

export type VoicePresenceStore = StoreApi<VoicePresenceState & VoicePresenceActions>;

/** `byChannel` without the entries `drop` matches, plus `add`, each under its channel; channels left empty go. */
function regroup<T extends { channelId: string }>(
  byChannel: Record<string, T[]>,
  drop: (item: T) => boolean,
  add: readonly T[],
): Record<string, T[]> {
  const next: Record<string, T[]> = {};
  for (const [channelId, list] of Object.entries(byChannel)) {
    const kept = list.filter((item) => !drop(item));
    if (kept.length > 0) next[channelId] = kept;
  }
  for (const item of add) next[item.channelId] = [...(next[item.channelId] ?? []), item];
  return next;
}

export function createVoicePresenceStore(): VoicePresenceStore {
  return createStore<VoicePresenceState & VoicePresenceActions>()((set) => ({
    voiceByChannel: {},
    guestsByChannel: {},

    setVoiceState(state) {
      // A user is in at most one voice channel: drop them everywhere, then add them where they are now.
      set((s) => ({
        voiceByChannel: regroup(s.voiceByChannel, (v) => v.userId === state.userId, state.channelId !== null ? [state as VoiceState] : []),
      }));
    },

    setGuildVoiceStates(guildId, states) {
      set((s) => ({ voiceByChannel: regroup(s.voiceByChannel, (v) => v.guildId === guildId, states) }));
    },

    setGuest({ connected, ...guest }) {
      set((s) => ({
        guestsByChannel: regroup(s.guestsByChannel, (g) => g.identity === guest.identity, connected ? [guest] : []),
      }));
    },

    setGuildGuests(guildId, guests) {
      set((s) => ({ guestsByChannel: regroup(s.guestsByChannel, (g) => g.guildId === guildId, guests) }));
    },

    reset() {
      set({ voiceByChannel: {}, guestsByChannel: {} });
    },
  }));
}
