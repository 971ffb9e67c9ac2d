import type { Log } from '../log';

/** Schemes a message link may open in the system browser / mail client. Compared with `new URL(x).protocol`. */
export const EXTERNAL_SCHEMES: ReadonlySet<string> = new Set(['http:', 'https:', 'mailto:']);

/**
 * Opens links from messages outside the app (`app:open-external`). The renderer has already asked the user
 * ("Leaving Parley — open <host>?"); this is the allow-list that holds even if the renderer is compromised: only
 * http(s) with a host and mailto reach `shell.openExternal`, re-serialised from the parsed URL so the OS never sees
 * the raw string. Every decision is logged with the origin only (query strings can carry tokens).
 */
export function createExternalLinks(deps: { openExternal: (url: string) => Promise<void>; log: Log }) {
  return {
    async open(raw: string): Promise<boolean> {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        deps.log.warn({}, 'open-external refused: not a URL');
        return false;
      }
      if (!EXTERNAL_SCHEMES.has(url.protocol) || (url.protocol !== 'mailto:' && !url.hostname)) {
        deps.log.warn({ scheme: url.protocol }, 'open-external refused: scheme not allowed');
        return false;
      }
      deps.log.info({ origin: url.protocol === 'mailto:' ? 'mailto:' : url.origin }, 'open-external: opening in the system handler');
      try {
        await deps.openExternal(url.href);
        return true;
      } catch (error) {
        deps.log.warn({ err: String(error) }, 'open-external failed');
        return false;
      }
    },
  };
}
