/**
 * Label values for HTTP metrics. Every label must come from a small, fixed set: a raw URL (`/api/v1/guilds/6650…`)
 * would make one time series per guild, message and attachment, and a scanner probing random paths would make one
 * per probe. So a request is labelled by the route template it matched (`/api/v1/guilds/:guildId`), by one of a few
 * fixed paths, or as `unmatched` — never by its own URL.
 */

export const API_PREFIX = '/api/v1';

/** Paths served as themselves (no ids in them). */
const FIXED_PATHS = new Set(['/', '/health', '/metrics', `${API_PREFIX}/openapi.json`]);

export const UNMATCHED_ROUTE = 'unmatched';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * The route label of a request.
 * @param template the matched route's template under /api/v1 (`/guilds/:guildId`), or a raw router's mount path,
 *   as tagged by the app when the route matched; undefined when no API route matched.
 * @param path the request path (no query string), only compared against fixed paths, never returned as is.
 */
export function routeLabel(template: string | undefined, path: string): string {
  if (template !== undefined) return `${API_PREFIX}${template}`;
  const bare = path.split('?')[0] ?? '';
  if (FIXED_PATHS.has(bare)) return bare;
  if (bare === '/app' || bare.startsWith('/app/')) return '/app/*';
  return UNMATCHED_ROUTE;
}

/** The method label: one of the HTTP methods the server serves, else OTHER (a client may send any token). */
export function methodLabel(method: string): string {
  const upper = method.toUpperCase();
  return METHODS.has(upper) ? upper : 'OTHER';
}

/** The status label: the response's status code, or `aborted` when the client left before the response was sent. */
export function statusLabel(status: number, finished: boolean): string {
  return finished ? String(status) : 'aborted';
}

/** A gateway event name from a client is anything it chose to send: only known names become a label value. */
export function gatewayEventLabel(event: string, known: ReadonlySet<string>): string {
  return known.has(event) ? event : 'unknown';
}
