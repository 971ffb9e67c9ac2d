/**
 * Channel names only (no zod), so the sandboxed preload can build the bridge without bundling the schemas.
 * contract.ts maps each of these to its schemas and fails to typecheck if the two lists drift apart.
 */

/** renderer → main, request/response (ipcRenderer.invoke). Named `domain:verb`. */
export const invokeChannels = [
  'app:get-info',
  'app:set-badge-count',
  'settings:get',
  'settings:update',
  'voice:report-state',
  'ptt:get-diagnostics',
  'ptt:start-rebind',
  'ptt:cancel-rebind',
  'media:get-microphone-access',
  'media:request-microphone-access',
  'notifications:show-mention',
  'app:open-external',
  'calls:set-ringing',
  'screen:choose-source',
] as const;
export type InvokeChannel = (typeof invokeChannels)[number];

/** main → renderer, fire-and-forget events. */
export const eventChannels = [
  'app:notice',
  'settings:changed',
  'voice:command',
  'ptt:state',
  'ptt:diagnostics',
  'ptt:binding-captured',
  'deeplink:open',
  'notifications:clicked',
  'calls:command',
  'screen:pick-source',
  'screen:pick-cancelled',
] as const;
export type EventChannel = (typeof eventChannels)[number];

/** The global name of the bridge in the renderer: `window.parley`. */
export const BRIDGE_KEY = 'parley';

type KebabToCamel<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<KebabToCamel<T>>}` : S;
export type DomainOf<C extends string> = C extends `${infer D}:${string}` ? D : never;
export type MethodOf<C extends string> = C extends `${string}:${infer V}` ? KebabToCamel<V> : never;
export type ListenerOf<C extends string> = C extends `${string}:${infer V}` ? `on${Capitalize<KebabToCamel<V>>}` : never;

const camel = (s: string): string => s.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

/** 'settings:update' → ['settings', 'update']; 'ptt:start-rebind' → ['ptt', 'startRebind']. */
export function methodPath(channel: string): [domain: string, method: string] {
  const [domain = '', verb = ''] = channel.split(':');
  return [domain, camel(verb)];
}

/** 'ptt:state' → ['ptt', 'onState']; 'deeplink:open' → ['deeplink', 'onOpen']. */
export function listenerPath(channel: string): [domain: string, method: string] {
  const [domain, verb] = methodPath(channel);
  return [domain, `on${verb.charAt(0).toUpperCase()}${verb.slice(1)}`];
}
