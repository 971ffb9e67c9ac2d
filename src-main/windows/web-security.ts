import type { Log } from '../log';
import { secureWebPreferences } from './main-window';
import { originOf } from './origin';

/**
 * Navigation and window-open policy, and the Content-Security-Policy. Origins are compared with URL.origin
 * (via originOf), never with startsWith: "app://parley.evil" and "https://ok.example@evil.example" must not pass.
 */

export interface NavigationPolicy {
  /** True when the main window may load this URL: our origin only. */
  mayNavigate(url: string): boolean;
  /**
   * window.open / target=_blank. Denied in-app, except our own page's pop-out windows (`about:blank` named
   * `parley-popout-…`, see isPopoutRequest); https links on the allowlist go to the system browser instead.
   */
  onWindowOpen(details: { url: string; frameName?: string; openerUrl?: string }): WindowOpenDecision;
}

export type WindowOpenDecision = { action: 'deny' } | { action: 'allow'; overrideBrowserWindowOptions: Record<string, unknown> };

/** Frame name prefix of a pop-out (issue 17 contract: `window.open('about:blank', 'parley-popout-<trackSid>', …)`). */
export const POPOUT_NAME_PREFIX = 'parley-popout-';
const POPOUT_NAME = /^parley-popout-[A-Za-z0-9_-]{1,100}$/;

/**
 * A pop-out window: a stream or video tile the renderer moves into its own window with a React portal. Only our own
 * page may open one, only as `about:blank` (same origin, so the opener renders into it) with our frame name.
 */
export function isPopoutRequest(details: { url: string; frameName?: string; openerUrl?: string }, appOrigin: string): boolean {
  return details.url === 'about:blank' && POPOUT_NAME.test(details.frameName ?? '') && originOf(details.openerUrl ?? '') === appOrigin;
}

/**
 * The pop-out's BrowserWindow: sandboxed, isolated, no preload (it never reaches the IPC bridge: main trusts only the
 * main window's webContents), no Node; it cannot navigate or open windows (see guardWebContents' did-create-window).
 */
export function popoutWindowOptions(): Record<string, unknown> {
  return {
    width: 960,
    height: 540,
    minWidth: 320,
    minHeight: 180,
    title: 'Parley — Stream',
    backgroundColor: '#000000',
    autoHideMenuBar: true,
    // The main window's baseline with no preload; it already keeps timers running (a stream plays while the main
    // window is in the tray).
    webPreferences: secureWebPreferences(),
  };
}

export function createNavigationPolicy(deps: {
  appOrigin: string;
  /** Exact https origins that may be opened in the system browser, e.g. "https://github.com". */
  externalAllowlist: readonly string[];
  openExternal: (url: string) => Promise<void> | void;
  log: Log;
}): NavigationPolicy {
  const allowlist = new Set(deps.externalAllowlist.map((o) => originOf(o)).filter((o): o is string => o?.startsWith('https://') ?? false));
  return {
    mayNavigate(url) {
      const allowed = originOf(url) === deps.appOrigin;
      if (!allowed) deps.log.warn({ url: safeUrl(url) }, 'navigation blocked: foreign origin');
      return allowed;
    },
    onWindowOpen(details) {
      const { url } = details;
      if (isPopoutRequest(details, deps.appOrigin)) {
        deps.log.info({ frameName: details.frameName }, 'window.open: pop-out window allowed');
        return { action: 'allow', overrideBrowserWindowOptions: popoutWindowOptions() };
      }
      const origin = originOf(url);
      if (origin !== null && origin.startsWith('https://') && allowlist.has(origin)) {
        deps.log.info({ origin }, 'window.open: opening allowlisted link in the system browser');
        void Promise.resolve(deps.openExternal(url)).catch((error: unknown) =>
          deps.log.warn({ err: String(error) }, 'openExternal failed'),
        );
      } else {
        deps.log.warn({ url: safeUrl(url) }, 'window.open denied: not an allowlisted https link');
      }
      return { action: 'deny' };
    },
  };
}

/** Logs keep only origin and path: query strings can carry invite codes or tokens. */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`.slice(0, 200);
  } catch {
    return '(unparseable)';
  }
}

/** Slice of Electron's WebContents used to wire the policy. */
export interface GuardedWebContents {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: { preventDefault(): void; url: string }) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  on(
    event: 'did-create-window',
    listener: (window: { webContents: GuardedWebContents }, details: { url: string; frameName: string }) => void,
  ): unknown;
  getURL(): string;
  setWindowOpenHandler(handler: (details: { url: string; frameName: string }) => WindowOpenDecision): void;
}

export function guardWebContents(contents: GuardedWebContents, policy: NavigationPolicy): void {
  const guard = (event: { preventDefault(): void; url: string }): void => {
    if (!policy.mayNavigate(event.url)) event.preventDefault();
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url, frameName }) => policy.onWindowOpen({ url, frameName, openerUrl: contents.getURL() }));
  // A pop-out stays on about:blank: no navigation at all (not even to our origin, which would load the app without
  // its preload), and no windows of its own.
  contents.on('did-create-window', (window, details) => {
    if (!details.frameName.startsWith(POPOUT_NAME_PREFIX)) return;
    const child = window.webContents;
    const stay = (event: { preventDefault(): void }): void => event.preventDefault();
    child.on('will-navigate', stay);
    child.on('will-redirect', stay);
    child.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

/**
 * The renderer's CSP. Scripts only from our origin; connections to any https/wss server because Parley is
 * self-hosted (the user picks the server and its LiveKit URL), plus plain http/ws on loopback for local servers.
 * Images likewise: avatars and server icons are <img>s from the chosen server (https, or http on loopback). The crop
 * dialog draws to a canvas from the chosen file and needs no blob: URL of its own.
 * Development adds what Vite's dev server needs (its origin, HMR socket and React Refresh's inline preamble).
 */
export function buildCsp(options: { devServerOrigin?: string | null } = {}): string {
  const dev = options.devServerOrigin ?? null;
  const loopbackHttp = 'http://localhost:* http://127.0.0.1:*';
  const loopback = `${loopbackHttp} ws://localhost:* ws://127.0.0.1:*`;
  const directives: Record<string, string> = {
    'default-src': "'none'",
    'script-src': dev ? `'self' 'unsafe-inline' ${dev}` : "'self'",
    'style-src': "'self' 'unsafe-inline'",
    'img-src': `'self' data: blob: https: ${loopbackHttp}`,
    'font-src': "'self' data:",
    // Recordings play from the chosen server (an <audio> element on a ticket URL).
    'media-src': "'self' blob: mediastream: https: http://localhost:* http://127.0.0.1:*",
    'connect-src': `'self' https: wss: ${loopback}${dev ? ` ${dev} ${dev.replace(/^http/, 'ws')}` : ''}`,
    'worker-src': "'self' blob:",
    'manifest-src': "'self'",
    'object-src': "'none'",
    'frame-src': "'none'",
    'base-uri': "'none'",
    'form-action': "'none'",
    'frame-ancestors': "'none'",
  };
  return Object.entries(directives)
    .map(([k, v]) => `${k} ${v}`)
    .join('; ');
}
