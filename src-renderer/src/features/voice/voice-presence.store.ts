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

export function createVoicePresenceStore(): VoicePresenceStore {
  return createStore<VoicePresenceState & VoicePresenceActions>()((set) => ({
    voiceByChannel: {},
    guestsByChannel: {},

    setVoiceState(state) {
      set((s) => {
        const voiceByChannel: Record<string, VoiceState[]> = {};
        // A user is in at most one voice channel: drop them everywhere, then add them where they are now.
        for (const [cid, list] of Object.entries(s.voiceByChannel)) {
          const filtered = list.filter((v) => v.userId !== state.userId);
          if (filtered.length > 0) voiceByChannel[cid] = filtered;
        }
        if (state.channelId !== null) voiceByChannel[state.channelId] = [...(voiceByChannel[state.channelId] ?? []), state as VoiceState];
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

    setGuest({ connected, ...guest }) {
      set((s) => {
        const guestsByChannel: Record<string, VoiceGuest[]> = {};
        for (const [cid, list] of Object.entries(s.guestsByChannel)) {
          const filtered = list.filter((g) => g.identity !== guest.identity);
          if (filtered.length > 0) guestsByChannel[cid] = filtered;
        }
        if (connected) guestsByChannel[guest.channelId] = [...(guestsByChannel[guest.channelId] ?? []), guest];
        return { guestsByChannel };
      });
    },

    setGuildGuests(guildId, guests) {
      set((s) => {
        const guestsByChannel: Record<string, VoiceGuest[]> = {};
        for (const [cid, list] of Object.entries(s.guestsByChannel)) {
          const kept = list.filter((g) => g.guildId !== guildId);
          if (kept.length > 0) guestsByChannel[cid] = kept;
        }
        for (const g of guests) guestsByChannel[g.channelId] = [...(guestsByChannel[g.channelId] ?? []), g];
        return { guestsByChannel };
      });
    },

    reset() {
      set({ voiceByChannel: {}, guestsByChannel: {} });
    },
  }));
}
