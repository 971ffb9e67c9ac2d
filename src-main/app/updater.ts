import type { Notice } from '@shared/ipc/contract';
import type { Log } from '../log';

/**
 * Auto-update with electron-updater, off in development (unpackaged) and when PARLEY_DISABLE_UPDATES=1
 * (self-hosters who roll out builds themselves).
 */

export interface AutoUpdaterLike {
  autoDownload: boolean;
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  checkForUpdates(): Promise<unknown>;
}

export function createUpdater(deps: {
  autoUpdater: () => AutoUpdaterLike;
  isPackaged: boolean;
  env: Record<string, string | undefined>;
  log: Log;
  onNotice: (notice: Notice) => void;
  setInterval: (fn: () => void, ms: number) => unknown;
  intervalMs?: number;
}): { start(): { enabled: boolean; reason: string } } {
  return {
    start() {
      if (!deps.isPackaged) return { enabled: false, reason: 'development build' };
      if (deps.env.PARLEY_DISABLE_UPDATES === '1') return { enabled: false, reason: 'PARLEY_DISABLE_UPDATES=1' };
      // Loaded only here: electron-updater touches app paths at import time, which development never needs.
      const updater = deps.autoUpdater();
      updater.autoDownload = true;
      updater.on('update-downloaded', (info) =>
        deps.onNotice({ code: 'update-ready', message: `Parley ${info.version} is ready.`, hint: 'It will be installed when you quit.' }),
      );
      updater.on('error', (error) => deps.log.warn({ err: error.message }, 'update check failed'));
      const check = (): void => {
        updater.checkForUpdates().catch((error: unknown) => deps.log.warn({ err: String(error) }, 'update check failed'));
      };
      check();
      deps.setInterval(check, deps.intervalMs ?? 6 * 60 * 60 * 1000);
      return { enabled: true, reason: 'packaged' };
    },
  };
}
