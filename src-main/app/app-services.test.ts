import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Notice } from '@shared/ipc/contract';
import type { Log } from '../log';
import { createQuitCoordinator } from './quit';
import type { AutoUpdaterLike } from './updater';
import { createUpdater } from './updater';
import { createVoiceStateHub } from './voice-state';

const silent: Log = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const timers = { setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms), clearTimeout: (h: unknown) => clearTimeout(h as number) };

describe('clean quit', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup() {
    const hub = createVoiceStateHub(timers);
    const quit = vi.fn();
    const requestDisconnect = vi.fn();
    const q = createQuitCoordinator({
      isVoiceConnected: () => hub.get().connected,
      requestDisconnect,
      waitForDisconnect: (ms) => hub.waitForDisconnect(ms),
      quit,
      log: silent,
      timeoutMs: 3000,
    });
    const event = () => ({ preventDefault: vi.fn() });
    return { hub, quit, requestDisconnect, q, event };
  }

  it('when not in voice, then quitting proceeds at once', () => {
    const { q, event, requestDisconnect } = setup();
    const e = event();
    q.onBeforeQuit(e);
    expect(e.preventDefault).not.toHaveBeenCalled();
    expect(requestDisconnect).not.toHaveBeenCalled();
    expect(q.quitting).toBe(true);
  });

  it('when in voice, then quit waits for the renderer to leave the room, then quits', async () => {
    const { hub, q, event, quit, requestDisconnect } = setup();
    hub.set({ connected: true, muted: false, deafened: false, speaking: false, channelName: 'General', listeningOnly: false });
    const first = event();
    q.onBeforeQuit(first);
    expect(first.preventDefault).toHaveBeenCalled();
    expect(requestDisconnect).toHaveBeenCalledOnce();
    q.onBeforeQuit(event()); // a second Cmd+Q while waiting does not ask twice
    expect(requestDisconnect).toHaveBeenCalledOnce();
    hub.set({ connected: false, muted: false, deafened: false, speaking: false, channelName: null, listeningOnly: false });
    await vi.runAllTimersAsync();
    expect(quit).toHaveBeenCalledOnce();
    const again = event();
    q.onBeforeQuit(again);
    expect(again.preventDefault).not.toHaveBeenCalled();
  });

  it('when the renderer never answers, then quit still happens after the timeout', async () => {
    const { hub, q, event, quit } = setup();
    hub.set({ connected: true, muted: false, deafened: false, speaking: false, channelName: null, listeningOnly: false });
    q.onBeforeQuit(event());
    await vi.advanceTimersByTimeAsync(2999);
    expect(quit).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(quit).toHaveBeenCalledOnce();
  });
});

describe('auto-update', () => {
  function fakeUpdater() {
    const listeners = new Map<string, (arg: never) => void>();
    const u: AutoUpdaterLike & { fire(e: string, arg: unknown): void; checks: number } = {
      autoDownload: false,
      checks: 0,
      on: (e: string, l: (arg: never) => void) => listeners.set(e, l),
      checkForUpdates: async () => {
        u.checks += 1;
      },
      fire: (e, arg) => listeners.get(e)?.(arg as never),
    };
    return u;
  }

  it('when running unpackaged (development), then updates are off and electron-updater is never loaded', () => {
    const load = vi.fn(fakeUpdater);
    const r = createUpdater({
      autoUpdater: load,
      isPackaged: false,
      env: {},
      log: silent,
      onNotice: () => {},
      setInterval: () => 0,
    }).start();
    expect(r).toEqual({ enabled: false, reason: 'development build' });
    expect(load).not.toHaveBeenCalled();
  });

  it('when disabled by PARLEY_DISABLE_UPDATES=1, then updates are off', () => {
    const r = createUpdater({
      autoUpdater: fakeUpdater,
      isPackaged: true,
      env: { PARLEY_DISABLE_UPDATES: '1' },
      log: silent,
      onNotice: () => {},
      setInterval: () => 0,
    }).start();
    expect(r.enabled).toBe(false);
  });

  it('when packaged, then it checks now and periodically, and a downloaded update becomes a notice', () => {
    const u = fakeUpdater();
    const notices: Notice[] = [];
    let periodic: (() => void) | null = null;
    const r = createUpdater({
      autoUpdater: () => u,
      isPackaged: true,
      env: {},
      log: silent,
      onNotice: (n) => notices.push(n),
      setInterval: (fn) => (periodic = fn),
    }).start();
    expect(r.enabled).toBe(true);
    expect(u.checks).toBe(1);
    periodic!();
    expect(u.checks).toBe(2);
    u.fire('update-downloaded', { version: '1.2.3' });
    expect(notices[0]).toMatchObject({ code: 'update-ready', message: 'Parley 1.2.3 is ready.' });
  });
});
