import { extname, join, normalize, sep } from 'node:path';
import { APP_HOST, APP_SCHEME } from './origin';

/**
 * Serves the built renderer at app://parley/… instead of file:// — file: has an opaque origin, so neither the
 * navigation policy, the permission table nor the IPC sender check could tell our page from any local file.
 * Every response carries the CSP header. Paths are confined to the renderer directory.
 */

export const appSchemePrivileges = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: false, stream: true },
} as const;

/** Maps app://parley/<path> to a file under root; null for another host or an escape attempt. SPA routes → index.html. */
export function resolveAppFile(rawUrl: string, root: string): string | null {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  const relative = pathname === '/' || extname(pathname) === '' ? 'index.html' : pathname.replace(/^\/+/, '');
  const rootNormal = normalize(root);
  const full = normalize(join(rootNormal, relative));
  if (full !== rootNormal && !full.startsWith(rootNormal.endsWith(sep) ? rootNormal : rootNormal + sep)) return null;
  return full;
}

export function createAppProtocolHandler(deps: {
  root: string;
  csp: string;
  /** net.fetch(pathToFileURL(path)) in Electron. */
  fetchFile: (path: string) => Promise<Response>;
}): (request: { url: string }) => Promise<Response> {
  return async (request) => {
    const file = resolveAppFile(request.url, deps.root);
    if (!file) return new Response('Not found', { status: 404 });
    let response: Response;
    try {
      response = await deps.fetchFile(file);
    } catch {
      return new Response('Not found', { status: 404 });
    }
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', deps.csp);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  };
}
