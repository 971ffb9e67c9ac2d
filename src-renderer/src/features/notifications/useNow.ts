import { useEffect, useState } from 'react';

/** The time, refreshed every `everyMs`: mutes that run out show as ended without anything else changing. */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}
