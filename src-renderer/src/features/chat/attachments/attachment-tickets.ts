import { useEffect, useSyncExternalStore } from 'react';
import { api } from '../../../app/services';

/**
 * One file ticket per channel (the server's ticket opens every attachment of the channel for us, for 30–40 minutes and
 * the same string all through a 10-minute window, so image URLs stay cacheable). Fetched once per channel, renewed
 * five minutes before it runs out; shared by every attachment on screen.
 */
const RENEW_BEFORE_MS = 5 * 60_000;
const tickets = new Map<string, { ticket: string; expiresAt: number }>();
const loading = new Map<string, Promise<void>>();
const listeners = new Set<() => void>();

function load(channelId: string): Promise<void> {
  const running = loading.get(channelId);
  if (running) return running;
  const p = api()
    .attachments.ticket(channelId)
    .then(
      ({ ticket, expiresAt }) => {
        tickets.set(channelId, { ticket, expiresAt: Date.parse(expiresAt) });
        for (const l of listeners) l();
      },
      () => undefined,
    )
    .finally(() => loading.delete(channelId));
  loading.set(channelId, p);
  return p;
}

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

/** The channel's current file ticket, or null until it arrives. */
export function useAttachmentTicket(channelId: string): string | null {
  const entry = useSyncExternalStore(subscribe, () => tickets.get(channelId));
  useEffect(() => {
    const wait = entry ? entry.expiresAt - RENEW_BEFORE_MS - Date.now() : 0;
    if (wait <= 0) {
      void load(channelId);
      return;
    }
    const timer = setTimeout(() => void load(channelId), wait);
    return () => clearTimeout(timer);
  }, [channelId, entry]);
  return entry?.ticket ?? null;
}
