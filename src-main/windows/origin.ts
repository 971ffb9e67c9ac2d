/** The privileged, standard scheme the packaged renderer is served from (see windows/app-protocol.ts). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'parley';
export const PACKAGED_APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/**
 * `new URL(x).origin`, except for our own scheme: Node's WHATWG URL gives every non-special scheme the opaque
 * origin "null" (and "null" === "null" would match ANY such URL), while Chromium treats our registered standard
 * scheme as a scheme://host origin. Anything else with an opaque origin (file:, data:, about:) gets null: it
 * never equals an allowed origin.
 */
export function originOf(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.origin !== 'null') return url.origin;
  if (url.protocol === `${APP_SCHEME}:` && url.host !== '') return `${url.protocol}//${url.host}`;
  return null;
}
