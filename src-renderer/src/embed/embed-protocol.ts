/**
 * The voice widget's postMessage API (documented in docs/self-hosting.md, "Embed"): what it tells its host page and
 * what it accepts from it. Pure functions, so the origin rules are unit tested without a browser.
 */

export interface EmbedParticipant {
  identity: string;
  name: string;
  guest: boolean;
  speaking: boolean;
  self: boolean;
}

/** Posted to the parent page (at its exact origin) whenever anything here changes. */
export interface EmbedStateMessage {
  type: 'parley:state';
  channelId: string;
  joined: boolean;
  muted: boolean;
  canSpeak: boolean;
  /** Who the widget joined as: a guest (no account) or the signed-in member; null while not joined. */
  joinedAs: 'guest' | 'member' | null;
  /** Whether a member is signed in inside the widget (the session lives in the frame's memory only). */
  signedIn: boolean;
  error: string | null;
  participants: EmbedParticipant[];
}

export type EmbedCommand = { type: 'parley:join' } | { type: 'parley:leave' } | { type: 'parley:mute'; muted?: boolean };

/** What the server put in `<meta name="parley-embed">`. */
export interface EmbedPageInfo {
  origins: string[];
  guestAccess: 'off' | 'listen' | 'speak';
  channelName: string | null;
}

export function parsePageInfo(content: string | null | undefined): EmbedPageInfo {
  const fallback: EmbedPageInfo = { origins: [], guestAccess: 'off', channelName: null };
  try {
    const raw = JSON.parse(content ?? '{}') as Partial<Record<keyof EmbedPageInfo, unknown>>;
    const origins = Array.isArray(raw.origins) ? raw.origins.filter((o): o is string => typeof o === 'string') : [];
    const guestAccess = raw.guestAccess === 'listen' || raw.guestAccess === 'speak' ? raw.guestAccess : 'off';
    const channelName = typeof raw.channelName === 'string' ? raw.channelName : null;
    return { origins, guestAccess, channelName };
  } catch {
    return fallback;
  }
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/**
 * The parent page's origin, if it is one of the allowed origins: the browser's `ancestorOrigins[0]` where it has one
 * (Chromium, Safari), else the referrer's origin (Firefox; a host page with `Referrer-Policy: no-referrer` then gets no
 * messages). Never `*`: state goes only to an origin the guild listed.
 */
export function parentOrigin(allowed: readonly string[], ancestorOrigins: readonly string[] | null, referrer: string): string | null {
  const candidate = ancestorOrigins && ancestorOrigins.length > 0 ? ancestorOrigins[0] : referrer ? originOf(referrer) : null;
  return candidate && allowed.includes(candidate) ? candidate : null;
}

/** A command from the host page, or null when it is not one or does not come from the parent at an allowed origin. */
export function acceptCommand(
  event: { origin: string; data: unknown; fromParent: boolean },
  allowed: readonly string[],
): EmbedCommand | null {
  if (!event.fromParent || !allowed.includes(event.origin)) return null;
  const data = event.data as { type?: unknown; muted?: unknown } | null;
  if (!data || typeof data !== 'object') return null;
  if (data.type === 'parley:join' || data.type === 'parley:leave') return { type: data.type };
  if (data.type === 'parley:mute')
    return typeof data.muted === 'boolean' ? { type: 'parley:mute', muted: data.muted } : { type: 'parley:mute' };
  return null;
}
