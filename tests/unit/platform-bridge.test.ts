import { afterEach, describe, expect, it } from 'vitest';
import type { PttDiagnostics } from '../../src-shared/ipc/contract';
import { buildBridge, type IpcRendererLike } from '../../src-preload/bridge';
import { createPlatform } from '../../src-renderer/src/platform/platform';

/**
 * The renderer's platform layer over the real preload bridge (built from the contract) and a fake ipcRenderer: the
 * callers that ipc-callers.test.ts finds in platform.ts reach their channels and turn answers into what the UI uses.
 */
function desktop(answers: Record<string, unknown> = {}) {
  const invoked: unknown[][] = [];
  const listeners = new Map<string, Set<(event: unknown, payload: unknown) => void>>();
  const ipc: IpcRendererLike = {
    invoke: async (...args) => {
      invoked.push(args);
      const channel = String(args[0]);
      return channel in answers ? { ok: true, data: answers[channel] } : { ok: false, code: 'unavailable' };
    },
    on: (channel, l) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(l);
    },
    removeListener: (channel, l) => listeners.get(channel)?.delete(l),
  };
  const fire = (channel: string, payload: unknown) => {
    for (const l of listeners.get(channel) ?? []) l({}, payload);
  };
  (globalThis as { window?: unknown }).window = {
    parley: buildBridge(ipc),
    localStorage: undefined,
    location: { origin: 'app://parley', protocol: 'app:' },
  };
  return { platform: createPlatform(), invoked, fire, listeners };
}

const diagnostics: PttDiagnostics = {
  backend: 'cli',
  status: 'unavailable',
  problem: 'wayland-no-xwayland',
  message: 'This Wayland session has no X11 compatibility (XWayland), so no app can watch keys globally.',
  hint: 'Bind parley --ptt=down and parley --ptt=up in your compositor.',
  fallbackCommands: { down: 'parley --ptt=down', up: 'parley --ptt=up', toggle: 'parley --ptt=toggle' },
  heldInputs: [],
  bindingHeld: false,
  transmitting: false,
  capturing: false,
  lastEventAt: null,
  hotkeys: { toggleMute: 'registered', toggleDeafen: 'registered' },
};

afterEach(() => {
  delete (globalThis as { window?: unknown }).window;
});

describe('platform over the desktop bridge', () => {
  it('when voice settings ask for push-to-talk diagnostics, then they come from ptt:get-diagnostics and follow ptt:diagnostics', async () => {
    const { platform, invoked, fire } = desktop({ 'ptt:get-diagnostics': diagnostics });
    await expect(platform.desktopPtt?.diagnostics()).resolves.toEqual(diagnostics);
    expect(invoked).toContainEqual(['ptt:get-diagnostics']);
    const seen: PttDiagnostics[] = [];
    const off = platform.desktopPtt!.onDiagnostics((d) => seen.push(d));
    fire('ptt:diagnostics', { ...diagnostics, capturing: true });
    off();
    fire('ptt:diagnostics', diagnostics);
    expect(seen.map((d) => d.capturing)).toEqual([true]);
  });

  it('when main cannot answer, then diagnostics are null and the microphone access is unknown (nothing throws)', async () => {
    const { platform } = desktop();
    await expect(platform.desktopPtt?.diagnostics()).resolves.toBeNull();
    await expect(platform.microphoneAccess?.status()).resolves.toBe('unknown');
    await expect(platform.microphoneAccess?.request()).resolves.toEqual({ granted: false, status: 'unknown' });
    await expect(platform.appInfo()).resolves.toBeNull();
  });

  it('when a rebind is cancelled, then ptt:cancel-rebind goes to main; the binding label follows settings:changed', async () => {
    const { platform, invoked, fire } = desktop();
    platform.desktopPtt!.startRebind();
    platform.desktopPtt!.cancelRebind();
    expect(invoked.map((a) => a[0])).toEqual(['ptt:start-rebind', 'ptt:cancel-rebind']);
    const labels: (string | null)[] = [];
    platform.desktopPtt!.onBindingChanged((l) => labels.push(l));
    fire('settings:changed', { ptt: { binding: { inputs: [{ type: 'key', code: 88 }], label: 'F12' } } });
    fire('settings:changed', { ptt: { binding: null } });
    expect(labels).toEqual(['F12', null]);
  });

  it('when main sends a notice, the microphone status or the app info, then the platform hands them on', async () => {
    const { platform, fire } = desktop({
      'media:get-microphone-access': { status: 'not-determined' },
      'media:request-microphone-access': { granted: true, status: 'granted' },
      'app:get-info': { version: '1.2.3', platform: 'darwin', isPackaged: true },
    });
    const notices: string[] = [];
    platform.onNotice((n) => notices.push(n.code));
    fire('app:notice', { code: 'ptt-hook-unavailable', message: 'm', hint: null });
    expect(notices).toEqual(['ptt-hook-unavailable']);
    await expect(platform.microphoneAccess?.status()).resolves.toBe('not-determined');
    await expect(platform.microphoneAccess?.request()).resolves.toEqual({ granted: true, status: 'granted' });
    await expect(platform.appInfo()).resolves.toEqual({ version: '1.2.3', platform: 'darwin' });
  });

  it('when main asks to pick a screen, then the picker hears it, and the choice goes back over screen:choose-source', async () => {
    const { platform, fire, invoked } = desktop({ 'screen:choose-source': { accepted: true } });
    const requests: string[] = [];
    const cancelled: string[] = [];
    const off = platform.screenPicker!.onRequest((r) => requests.push(`${r.requestId}:${r.sources.length}`));
    platform.screenPicker!.onCancelled((id) => cancelled.push(id));
    fire('screen:pick-source', {
      requestId: 'r1',
      audioSupported: false,
      sources: [{ id: 'screen:0:0', name: 'Entire Screen', kind: 'screen', thumbnail: null, appIcon: null }],
    });
    fire('screen:pick-cancelled', { requestId: 'r0' });
    expect(requests).toEqual(['r1:1']);
    expect(cancelled).toEqual(['r0']);
    await expect(platform.screenPicker!.choose({ requestId: 'r1', sourceId: 'screen:0:0', audio: false })).resolves.toBe(true);
    expect(invoked).toContainEqual(['screen:choose-source', { requestId: 'r1', sourceId: 'screen:0:0', audio: false }]);
    off();
    fire('screen:pick-source', { requestId: 'r2', audioSupported: false, sources: [] });
    expect(requests).toEqual(['r1:1']);
  });

  it('when main no longer has the request, then choose resolves false', async () => {
    const { platform } = desktop({ 'screen:choose-source': { accepted: false } });
    await expect(platform.screenPicker!.choose({ requestId: 'gone', sourceId: null, audio: false })).resolves.toBe(false);
  });

  it('when there is no bridge (the web client), then the desktop-only parts are absent and subscriptions are no-ops', async () => {
    (globalThis as { window?: unknown }).window = { localStorage: undefined, location: { origin: 'http://x', protocol: 'http:' } };
    const web = createPlatform();
    expect(web).toMatchObject({ kind: 'web', desktopPtt: null, microphoneAccess: null, screenPicker: null });
    expect(typeof web.onNotice(() => undefined)).toBe('function');
    await expect(web.appInfo()).resolves.toBeNull();
  });
});
