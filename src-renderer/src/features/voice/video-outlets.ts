import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';

/**
 * Where the voice session's video UI goes. LiveKit's Room lives in the lazily loaded VoiceSession (its own React tree
 * position, inside LiveKit's RoomContext); the places that show video (the voice panel, the voice channel view, the
 * DM call bar) render an outlet — an empty element registered here — and VoiceSession portals the camera / screen
 * controls, the per-stream stats and the video stage into it. So livekit-client stays out of the first chunk and the
 * Room stays in React context, not in a global store.
 */
export type OutletKind = 'controls' | 'stats' | 'stage';

export interface Outlet {
  el: HTMLElement;
  /** The stage's location: a voice channel id or `call:<callId>`; the stage shows only where we are connected. */
  location?: string;
  /** Controls: whether the member may use the camera (VIDEO) and share the screen (STREAM) here. */
  canVideo?: boolean;
  canStream?: boolean;
}

type Outlets = Partial<Record<OutletKind, Outlet>>;

let outlets: Outlets = {};
const listeners = new Set<() => void>();

function set(kind: OutletKind, outlet: Outlet | null): void {
  const next = { ...outlets };
  if (outlet) next[kind] = outlet;
  else delete next[kind];
  outlets = next;
  for (const l of [...listeners]) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The outlets shown now (for VoiceSession's portals). */
export function useOutlets(): Outlets {
  return useSyncExternalStore(subscribe, () => outlets);
}

/**
 * Registers an outlet while mounted; returns the ref callback for its element.
 *
 * @example
 * const ref = useOutlet('controls', { canVideo, canStream });
 * return <div ref={ref} className="video-controls" />;
 */
export function useOutlet(kind: OutletKind, data: Omit<Outlet, 'el'> = {}): (el: HTMLElement | null) => void {
  const [el, setEl] = useState<HTMLElement | null>(null);
  const { location, canVideo, canStream } = data;
  useEffect(() => {
    if (!el) return;
    set(kind, { el, location, canVideo, canStream });
    return () => {
      if (outlets[kind]?.el === el) set(kind, null);
    };
  }, [kind, el, location, canVideo, canStream]);
  return useCallback((node: HTMLElement | null) => setEl(node), []);
}
