import { createStore, type StoreApi } from 'zustand/vanilla';
import type { VoiceState } from '../../api/types';

/**
 * Who is in which voice channel, as the server sees it, keyed by channelId: the guild snapshots' voiceStates and
 * VOICE_STATE_UPDATE events from the gateway. (The call we are in ourselves is voice.store, driven by LiveKit.)
 */
export interface VoicePresenceState {
  voiceByChannel: Record<string, VoiceState[]>;
}

export interface VoicePresenceActions {
  setVoiceState(state: VoiceState | { userId: string; channelId: null; guildId: string }): void;
  /** READY / GUILD_CREATE: replaces one guild's voice states. */
  setGuildVoiceStates(guildId: string, states: readonly VoiceState[]): void;
  reset(): void;
}

export type VoicePresenceStore = StoreApi<VoicePresenceState & VoicePresenceActions>;

export function createVoicePresenceStore(): VoicePresenceStore {
  return createStore<VoicePresenceState & VoicePresenceActions>()((set) => ({
    voiceByChannel: {},

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

    reset() {
      set({ voiceByChannel: {} });
    },
  }));
}
