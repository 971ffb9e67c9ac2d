import { describe, expect, it } from 'vitest';
import type { HookSupportEnv } from './hook-support';
import { detectHookSupport, parseX11Display } from './hook-support';

const env = (over: Partial<HookSupportEnv>): HookSupportEnv => ({
  platform: 'linux',
  env: {},
  canReachX11: async () => true,
  isTrustedAccessibilityClient: () => true,
  executable: 'parley',
  ...over,
});

describe('global hook support detection', () => {
  it('when on Wayland without XWayland, then the hook is unavailable and the --ptt fallback is offered', async () => {
    const r = await detectHookSupport(env({ env: { XDG_SESSION_TYPE: 'wayland', WAYLAND_DISPLAY: 'wayland-0' } }));
    expect(r).toMatchObject({ ok: false, problem: 'wayland-no-xwayland' });
    expect(r.ok ? '' : r.hint).toContain('parley --ptt=down');
  });

  it('when on Wayland with XWayland, then the hook runs with a warning that it only sees X11 windows', async () => {
    const r = await detectHookSupport(env({ env: { XDG_SESSION_TYPE: 'wayland', DISPLAY: ':0' } }));
    expect(r).toMatchObject({ ok: true, warning: { problem: 'wayland-partial' } });
  });

  it('when DISPLAY points at an X server that cannot be reached, then the hook is not started (libuiohook would abort)', async () => {
    const r = await detectHookSupport(env({ env: { DISPLAY: ':42' }, canReachX11: async () => false }));
    expect(r).toMatchObject({ ok: false, problem: 'no-display' });
  });

  it('when on X11 with a reachable display, then the hook is supported', async () => {
    expect(await detectHookSupport(env({ env: { DISPLAY: ':0', XDG_SESSION_TYPE: 'x11' } }))).toEqual({ ok: true, warning: null });
  });

  it('when macOS has not granted Accessibility, then the user is told where to grant it', async () => {
    const r = await detectHookSupport(env({ platform: 'darwin', isTrustedAccessibilityClient: () => false }));
    expect(r).toMatchObject({ ok: false, problem: 'macos-accessibility' });
    expect(r.ok ? '' : r.hint).toContain('Accessibility');
  });

  it('when on Windows, then the hook is supported', async () => {
    expect(await detectHookSupport(env({ platform: 'win32' }))).toEqual({ ok: true, warning: null });
  });

  it('parses X display names', () => {
    expect(parseX11Display(':1')).toEqual({ kind: 'local', number: 1 });
    expect(parseX11Display('unix:3.0')).toEqual({ kind: 'local', number: 3 });
    expect(parseX11Display('box:2')).toEqual({ kind: 'tcp', host: 'box', port: 6002 });
    expect(parseX11Display('nonsense')).toBeNull();
  });
});
