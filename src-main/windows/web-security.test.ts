import { describe, expect, it, vi } from 'vitest';
import type { Log } from '../log';
import { createAppProtocolHandler, resolveAppFile } from './app-protocol';
import { originOf } from './origin';
import type { GuardedWebContents, WindowOpenDecision } from './web-security';
import { buildCsp, createNavigationPolicy, guardWebContents } from './web-security';

const silent: Log = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const APP = 'app://parley';

function policy() {
  const openExternal = vi.fn();
  const p = createNavigationPolicy({
    appOrigin: APP,
    externalAllowlist: ['https://github.com', 'http://insecure.example'],
    openExternal,
    log: silent,
  });
  return { p, openExternal };
}

describe('origin comparison', () => {
  it('gives our scheme a real origin and every other opaque origin none', () => {
    expect(originOf('app://parley/index.html#/x')).toBe(APP);
    expect(originOf('app://parley.evil/')).toBe('app://parley.evil');
    expect(originOf('file:///etc/passwd')).toBeNull();
    expect(originOf('data:text/html,hi')).toBeNull();
    expect(originOf('javascript:alert(1)')).toBeNull();
    expect(originOf('not a url')).toBeNull();
  });
});

describe('navigation policy', () => {
  it.each([
    ['app://parley/index.html#/guilds/1', true],
    ['app://parley/settings', true],
    ['app://parley.evil/', false],
    ['app://evil/parley', false],
    ['app://parley@evil/', false],
    ['https://evil.example/app://parley', false],
    ['file:///home/user/index.html', false],
    ['javascript:alert(1)', false],
    ['about:blank', false],
  ])('when navigating to %s, then allowed = %s', (url, allowed) => {
    expect(policy().p.mayNavigate(url)).toBe(allowed);
  });

  it('when window.open targets an allowlisted https origin, then it is denied in-app and opened in the browser', () => {
    const { p, openExternal } = policy();
    expect(p.onWindowOpen({ url: 'https://github.com/parley/parley/issues' })).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledWith('https://github.com/parley/parley/issues');
  });

  it.each([
    'https://github.com.evil.example/',
    'https://evil.example/?https://github.com',
    'http://insecure.example/',
    'http://github.com/',
    'file:///etc/passwd',
    'app://parley/',
  ])('when window.open targets %s, then it is denied and nothing opens', (url) => {
    const { p, openExternal } = policy();
    expect(p.onWindowOpen({ url, openerUrl: 'app://parley/index.html' })).toEqual({ action: 'deny' });
    expect(openExternal).not.toHaveBeenCalled();
  });

  it('wires will-navigate, will-redirect, webviews and window.open on a webContents', () => {
    const listeners = new Map<string, (...args: never[]) => void>();
    let openHandler: ((d: { url: string; frameName: string }) => WindowOpenDecision) | null = null;
    guardWebContents(
      {
        on: (event: string, l: (...args: never[]) => void) => listeners.set(event, l),
        getURL: () => 'app://parley/index.html',
        setWindowOpenHandler: (h: (d: { url: string; frameName: string }) => WindowOpenDecision) => (openHandler = h),
      } as unknown as GuardedWebContents,
      policy().p,
    );
    const blocked = { preventDefault: vi.fn(), url: 'https://evil.example/' };
    const fine = { preventDefault: vi.fn(), url: 'app://parley/#/x' };
    listeners.get('will-navigate')!(blocked as never);
    listeners.get('will-redirect')!(fine as never);
    const webview = { preventDefault: vi.fn(), url: '' };
    listeners.get('will-attach-webview')!(webview as never);
    expect(blocked.preventDefault).toHaveBeenCalled();
    expect(fine.preventDefault).not.toHaveBeenCalled();
    expect(webview.preventDefault).toHaveBeenCalled();
    expect(openHandler!({ url: 'https://evil.example', frameName: '' })).toEqual({ action: 'deny' });
    expect(openHandler!({ url: 'about:blank', frameName: 'parley-popout-TR_abc' })).toMatchObject({ action: 'allow' });
  });
});

describe('pop-out windows', () => {
  const ours = 'app://parley/index.html#/guilds/1/2';

  it('when our page opens about:blank named parley-popout-<sid>, then a sandboxed, isolated window without preload opens', () => {
    const decision = policy().p.onWindowOpen({ url: 'about:blank', frameName: 'parley-popout-TR_VCabc123', openerUrl: ours });
    expect(decision.action).toBe('allow');
    const options = (decision as { overrideBrowserWindowOptions: Record<string, unknown> }).overrideBrowserWindowOptions;
    expect(options).toMatchObject({ width: 960, height: 540, title: 'Parley — Stream' });
    const web = options.webPreferences as Record<string, unknown>;
    expect(web).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
    });
    expect(web).not.toHaveProperty('preload');
  });

  it.each([
    ['another url', { url: 'https://evil.example/', frameName: 'parley-popout-x', openerUrl: ours }],
    ['our own origin', { url: 'app://parley/index.html', frameName: 'parley-popout-x', openerUrl: ours }],
    ['about:blank under another name', { url: 'about:blank', frameName: 'popout-x', openerUrl: ours }],
    ['about:blank without a name', { url: 'about:blank', frameName: '', openerUrl: ours }],
    ['a name with odd characters', { url: 'about:blank', frameName: 'parley-popout-../x', openerUrl: ours }],
    ['a foreign opener', { url: 'about:blank', frameName: 'parley-popout-x', openerUrl: 'https://evil.example/' }],
    ['a pop-out opening another', { url: 'about:blank', frameName: 'parley-popout-y', openerUrl: 'about:blank' }],
  ])('when window.open asks for %s, then it is denied as before', (_name, details) => {
    expect(policy().p.onWindowOpen(details)).toEqual({ action: 'deny' });
  });

  it('when a pop-out window was created, then it can neither navigate anywhere nor open windows', () => {
    const listeners = new Map<string, (...args: never[]) => void>();
    const childListeners = new Map<string, (e: { preventDefault(): void }) => void>();
    let childOpen: (() => WindowOpenDecision) | null = null;
    const child = {
      on: (event: string, l: (e: { preventDefault(): void }) => void) => childListeners.set(event, l),
      setWindowOpenHandler: (h: () => WindowOpenDecision) => (childOpen = h),
    };
    guardWebContents(
      {
        on: (event: string, l: (...args: never[]) => void) => listeners.set(event, l),
        getURL: () => ours,
        setWindowOpenHandler: () => undefined,
      } as unknown as GuardedWebContents,
      policy().p,
    );
    listeners.get('did-create-window')!({ webContents: child } as never, { url: 'about:blank', frameName: 'parley-popout-x' } as never);
    for (const event of ['will-navigate', 'will-redirect']) {
      const e = { preventDefault: vi.fn(), url: 'app://parley/index.html' };
      childListeners.get(event)!(e);
      expect(e.preventDefault, event).toHaveBeenCalled();
    }
    expect(childOpen!()).toEqual({ action: 'deny' });
  });
});

describe('content security policy', () => {
  it('allows scripts only from our origin in production, with no eval or inline script', () => {
    const csp = buildCsp();
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'self';/);
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('lets images come from any https server or a local http one (avatars and icons of the chosen server), and nothing else', () => {
    const imgSrc = buildCsp()
      .split('; ')
      .find((d) => d.startsWith('img-src '));
    expect(imgSrc).toBe("img-src 'self' data: blob: https: http://localhost:* http://127.0.0.1:*");
  });

  it('adds the dev server only in development', () => {
    expect(buildCsp({ devServerOrigin: 'http://localhost:5173' })).toContain('ws://localhost:5173');
  });
});

describe('app:// protocol', () => {
  const root = '/opt/parley/out/renderer';

  it.each([
    ['app://parley/', `${root}/index.html`],
    ['app://parley/guilds/123', `${root}/index.html`],
    ['app://parley/assets/index-abc.js', `${root}/assets/index-abc.js`],
    ['app://parley/../../etc/passwd.txt', `${root}/etc/passwd.txt`],
    ['app://parley/%2e%2e/%2e%2e/etc/passwd.txt', `${root}/etc/passwd.txt`],
    ['app://parley/..%2f..%2fsecret.json', null],
    ['app://other/index.html', null],
  ])('maps %s to %s', (url, expected) => {
    expect(resolveAppFile(url, root)).toBe(expected);
  });

  it('adds the CSP header to every file it serves and 404s escapes', async () => {
    const handler = createAppProtocolHandler({
      root,
      csp: buildCsp(),
      fetchFile: async () => new Response('<html></html>', { headers: { 'content-type': 'text/html' } }),
    });
    const ok = await handler({ url: 'app://parley/' });
    expect(ok.headers.get('content-security-policy')).toBe(buildCsp());
    expect(ok.headers.get('content-type')).toBe('text/html');
    expect((await handler({ url: 'app://parley/..%2f..%2fsecret.json' })).status).toBe(404);
  });
});
