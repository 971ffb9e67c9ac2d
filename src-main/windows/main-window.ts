import type { Settings } from '@shared/ipc/settings';
import type { Log } from '../log';

/**
 * The main window: secure webPreferences, remembered bounds (only restored when still on a connected display),
 * close-to-tray. Nothing here registers IPC handlers, and no mutable window is exported: index.ts holds it.
 */

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The security baseline of every Parley renderer; without `preload` (a pop-out) the page gets no bridge at all. */
export function secureWebPreferences(preload?: string) {
  return {
    ...(preload === undefined ? {} : { preload }),
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: true,
    // Voice keeps running with the window hidden in the tray: don't throttle its timers.
    backgroundThrottling: false,
  } as const;
}

const DEFAULT_SIZE = { width: 1200, height: 800 };
const MIN_VISIBLE = { width: 160, height: 80 };

/** Saved bounds, if enough of them is still on some display (a monitor may have been unplugged); else null. */
export function restoreBounds(saved: Rect | null, workAreas: readonly Rect[]): Rect | null {
  if (!saved) return null;
  const visible = workAreas.some((a) => {
    const w = Math.min(saved.x + saved.width, a.x + a.width) - Math.max(saved.x, a.x);
    const h = Math.min(saved.y + saved.height, a.y + a.height) - Math.max(saved.y, a.y);
    return w >= MIN_VISIBLE.width && h >= MIN_VISIBLE.height;
  });
  return visible ? saved : null;
}

export interface BrowserWindowLike {
  on(event: 'close', listener: (event: { preventDefault(): void }) => void): unknown;
  on(event: 'resize' | 'move' | 'closed' | 'ready-to-show', listener: () => void): unknown;
  getNormalBounds(): Rect;
  isMaximized(): boolean;
  isDestroyed(): boolean;
  maximize(): void;
  hide(): void;
  show(): void;
  focus(): void;
  isMinimized(): boolean;
  restore(): void;
}

export function createMainWindow<W extends BrowserWindowLike>(deps: {
  createBrowserWindow: (options: Record<string, unknown>) => W;
  preload: string;
  settings: { get(): Settings; setWindowState(w: Settings['window']): Promise<void> };
  workAreas: () => readonly Rect[];
  isQuitting: () => boolean;
  startHidden: boolean;
  log: Log;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (h: unknown) => void;
}): { window: W; show(): void } {
  const saved = deps.settings.get().window;
  const bounds = restoreBounds(saved.bounds, deps.workAreas());
  const window = deps.createBrowserWindow({
    ...(bounds ?? DEFAULT_SIZE),
    minWidth: 480,
    minHeight: 400,
    show: false,
    title: 'Parley',
    backgroundColor: '#1e1f22',
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(deps.preload),
  });
  if (saved.maximized) window.maximize();

  let saveTimer: unknown = null;
  const save = (): void => {
    if (window.isDestroyed()) return;
    void deps.settings
      .setWindowState({ bounds: window.getNormalBounds(), maximized: window.isMaximized() })
      .catch((error: unknown) => deps.log.warn({ err: String(error) }, 'could not save window bounds'));
  };
  const saveSoon = (): void => {
    if (saveTimer !== null) deps.clearTimeout(saveTimer);
    saveTimer = deps.setTimeout(() => {
      saveTimer = null;
      save();
    }, 500);
  };
  window.on('resize', saveSoon);
  window.on('move', saveSoon);
  window.on('close', (event) => {
    if (saveTimer !== null) deps.clearTimeout(saveTimer);
    save();
    if (!deps.isQuitting() && deps.settings.get().closeToTray) {
      event.preventDefault();
      window.hide();
    }
  });
  window.on('ready-to-show', () => {
    if (!deps.startHidden) window.show();
  });

  return {
    window,
    show() {
      if (window.isDestroyed()) return;
      if (window.isMinimized()) window.restore();
      window.show();
      window.focus();
    },
  };
}
