import { useCallback, useSyncExternalStore } from 'react';

/** Whether a CSS media query matches now; re-renders when that changes. */
export function useMediaQuery(query: string): boolean {
  const subscribe = useCallback(
    (onChange: () => void) => {
      const media = window.matchMedia(query);
      media.addEventListener('change', onChange);
      return () => media.removeEventListener('change', onChange);
    },
    [query],
  );
  return useSyncExternalStore(subscribe, () => window.matchMedia(query).matches);
}

/** The width under which the channel and member columns become drawers; keep in step with styles/app.css. */
export const NARROW_LAYOUT = '(max-width: 900px)';

export const useNarrowLayout = (): boolean => useMediaQuery(NARROW_LAYOUT);
