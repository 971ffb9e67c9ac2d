import type { Log } from '../log';

/**
 * A clean quit leaves the voice room first: the first before-quit while connected is cancelled, the renderer is
 * asked to disconnect, and the quit resumes when it reports "disconnected" — or after a timeout, so a hung
 * renderer can never block quitting.
 */
export function createQuitCoordinator(deps: {
  isVoiceConnected: () => boolean;
  requestDisconnect: () => void;
  waitForDisconnect: (timeoutMs: number) => Promise<boolean>;
  quit: () => void;
  log: Log;
  timeoutMs?: number;
}): { onBeforeQuit(event: { preventDefault(): void }): void; readonly quitting: boolean } {
  let quitting = false;
  let ready = false;
  let leaving = false;
  return {
    get quitting() {
      return quitting;
    },
    onBeforeQuit(event) {
      quitting = true;
      if (ready) return;
      if (!deps.isVoiceConnected()) {
        ready = true;
        return;
      }
      event.preventDefault();
      if (leaving) return;
      leaving = true;
      deps.requestDisconnect();
      void deps.waitForDisconnect(deps.timeoutMs ?? 3000).then((left) => {
        if (!left) deps.log.warn({}, 'renderer did not leave voice in time; quitting anyway');
        ready = true;
        deps.quit();
      });
    },
  };
}
