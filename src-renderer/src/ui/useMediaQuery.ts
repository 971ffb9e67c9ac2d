import { useCallback, useSyncExternalStore } from 'react';

interface QueryState {
  matches: boolean;
  listeners: Set<() => void>;
}

/**
 * One MediaQueryList per query for the whole app, its result kept from its `change` events. Reading `.matches` of a
 * fresh list on every render (as the snapshot) made the browser recompute style in the middle of React's commit: in
 * the first load's CPU profile that was the largest piece of the guild snapshot's render.
 */
const queries = new Map<string, QueryState>();

function queryState(query: string): QueryState {
  let state = queries.get(query);
  if (!state) {
    const media = window.matchMedia(query);
    const created: QueryState = { matches: media.matches, listeners: new Set() };
    media.addEventListener('change', (e) => {
      created.matches = e.matches;
      for (const notify of created.listeners) notify();
    });
    queries.set(query, created);
    state = created;
  }
  return state;
}

/** Whether a CSS media query matches now; re-renders when that changes. */
export function useMediaQuery(query: string): boolean {
  const subscribe = useCallback(
    (onChange: () => void) => {
      const { listeners } = queryState(query);
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
    [query],
  );
  return useSyncExternalStore(subscribe, () => queryState(query).matches);
}

/** The width under which the channel and member columns become drawers; keep in step with styles/app.css. */
export const NARROW_LAYOUT = '(max-width: 900px)';

export const useNarrowLayout = (): boolean => useMediaQuery(NARROW_LAYOUT);
