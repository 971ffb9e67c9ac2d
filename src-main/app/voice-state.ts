import type { VoiceState } from '@shared/ipc/contract';

/** The renderer's last reported voice state, for the tray, the quit coordinator and notifications. */
export function createVoiceStateHub(deps: { setTimeout: (fn: () => void, ms: number) => unknown; clearTimeout: (h: unknown) => void }) {
  let state: VoiceState = { connected: false, muted: false, deafened: false, speaking: false, channelName: null, listeningOnly: false };
  const listeners = new Set<(s: VoiceState) => void>();
  return {
    get: () => state,
    set(next: VoiceState) {
      state = next;
      for (const l of [...listeners]) l(next);
    },
    subscribe(listener: (s: VoiceState) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Resolves true once disconnected, false on timeout. */
    waitForDisconnect(timeoutMs: number): Promise<boolean> {
      if (!state.connected) return Promise.resolve(true);
      return new Promise((resolve) => {
        const off = this.subscribe((s) => {
          if (s.connected) return;
          off();
          deps.clearTimeout(timer);
          resolve(true);
        });
        const timer = deps.setTimeout(() => {
          off();
          resolve(false);
        }, timeoutMs);
      });
    },
  };
}
