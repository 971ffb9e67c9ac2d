import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Settings } from '@shared/ipc/settings';
import { defaultSettings } from '@shared/ipc/settings';
import type { Log } from '../log';
import type { BrowserWindowLike, Rect } from './main-window';
import { createMainWindow, restoreBounds, secureWebPreferences } from './main-window';

const silent: Log = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const screen: Rect = { x: 0, y: 0, width: 1920, height: 1080 };

class FakeWindow implements BrowserWindowLike {
  listeners = new Map<string, (e?: unknown) => void>();
  options: Record<string, unknown>;
  bounds: Rect = { x: 10, y: 20, width: 1000, height: 700 };
  hidden = false;
  shown = false;
  constructor(options: Record<string, unknown>) {
    this.options = options;
  }
  on(event: string, l: (e: never) => void) {
    this.listeners.set(event, l as (e?: unknown) => void);
    return this;
  }
  emit(event: string, e?: unknown) {
    this.listeners.get(event)?.(e);
  }
  getNormalBounds = () => this.bounds;
  isMaximized = () => false;
  isDestroyed = () => false;
  maximize = vi.fn();
  hide = () => void (this.hidden = true);
  show = () => void (this.shown = true);
  focus = vi.fn();
  isMinimized = () => false;
  restore = vi.fn();
}

function setup(over: { settings?: Partial<Settings>; quitting?: boolean; startHidden?: boolean } = {}) {
  let settings: Settings = { ...defaultSettings(), ...over.settings };
  const saved: Array<Settings['window']> = [];
  const w = createMainWindow<FakeWindow>({
    createBrowserWindow: (o) => new FakeWindow(o),
    preload: '/app/out/preload/index.cjs',
    settings: {
      get: () => settings,
      setWindowState: async (win) => {
        saved.push(win);
        settings = { ...settings, window: win };
      },
    },
    workAreas: () => [screen],
    isQuitting: () => over.quitting ?? false,
    startHidden: over.startHidden ?? false,
    log: silent,
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as number),
  });
  return { ...w, saved };
}

describe('main window', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('is created with contextIsolation, sandbox, no node integration and no webviews', () => {
    const { window } = setup();
    expect(window.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
    });
    expect(secureWebPreferences('x').preload).toBe('x');
  });

  it('when bounds were saved on a display that still exists, then they are restored', () => {
    const { window } = setup({ settings: { window: { bounds: { x: 100, y: 100, width: 900, height: 600 }, maximized: false } } });
    expect(window.options).toMatchObject({ x: 100, y: 100, width: 900, height: 600 });
  });

  it('when the saved display is gone, then the default size is used', () => {
    expect(restoreBounds({ x: 3000, y: 0, width: 900, height: 600 }, [screen])).toBeNull();
    expect(restoreBounds({ x: 1850, y: 0, width: 900, height: 600 }, [screen])).toBeNull(); // only 70 px visible
    const { window } = setup({ settings: { window: { bounds: { x: 3000, y: 0, width: 900, height: 600 }, maximized: false } } });
    expect(window.options).toMatchObject({ width: 1200, height: 800 });
    expect(window.options.x).toBeUndefined();
  });

  it('when moved or resized, then bounds are saved once after things settle', () => {
    const { window, saved } = setup();
    window.emit('move');
    window.emit('resize');
    window.emit('move');
    expect(saved).toHaveLength(0);
    vi.advanceTimersByTime(500);
    expect(saved).toEqual([{ bounds: { x: 10, y: 20, width: 1000, height: 700 }, maximized: false }]);
  });

  it('when closed with close-to-tray on, then it hides instead of closing', () => {
    const { window } = setup({ settings: { closeToTray: true } });
    const e = { preventDefault: vi.fn() };
    window.emit('close', e);
    expect(e.preventDefault).toHaveBeenCalled();
    expect(window.hidden).toBe(true);
  });

  it('when closed while quitting or with close-to-tray off, then it really closes', () => {
    for (const over of [{ quitting: true, settings: { closeToTray: true } }, { settings: { closeToTray: false } }]) {
      const { window, saved } = setup(over);
      const e = { preventDefault: vi.fn() };
      window.emit('close', e);
      expect(e.preventDefault).not.toHaveBeenCalled();
      expect(saved).toHaveLength(1);
    }
  });

  it('when started at login (--hidden), then the window stays in the tray', () => {
    const { window } = setup({ startHidden: true });
    window.emit('ready-to-show');
    expect(window.shown).toBe(false);
  });
});
