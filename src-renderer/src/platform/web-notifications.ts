/**
 * Web notifications through the browser's Notification API. Permission is asked only from a user gesture (the
 * "Enable desktop notifications" banner), never on load. A click focuses the tab and opens the channel.
 */
export type WebNotificationPermission = 'default' | 'granted' | 'denied' | 'unsupported';

export interface NotificationTarget {
  title: string;
  body: string;
  guildId: string | null;
  channelId: string;
  messageId: string;
}

interface NotificationLike {
  addEventListener(type: 'click', listener: () => void): void;
  close(): void;
}

interface NotificationCtor {
  new (title: string, options?: { body?: string; tag?: string; silent?: boolean }): NotificationLike;
  readonly permission: string;
  requestPermission(): Promise<string>;
}

export function createWebNotifier(deps: { ctor: () => NotificationCtor | undefined; focusWindow: () => void }) {
  const listeners = new Set<(target: { guildId: string | null; channelId: string }) => void>();
  const permission = (): WebNotificationPermission => {
    const N = deps.ctor();
    if (!N) return 'unsupported';
    return N.permission === 'granted' || N.permission === 'denied' ? N.permission : 'default';
  };
  return {
    permission,
    async request(): Promise<WebNotificationPermission> {
      const N = deps.ctor();
      if (!N) return 'unsupported';
      await N.requestPermission();
      return permission();
    },
    show(target: NotificationTarget): boolean {
      const N = deps.ctor();
      if (!N || permission() !== 'granted') return false;
      // One notification per channel at a time (tag): a busy channel replaces its last one instead of stacking.
      const n = new N(target.title, { body: target.body, tag: `parley:${target.channelId}` });
      n.addEventListener('click', () => {
        deps.focusWindow();
        n.close();
        for (const cb of listeners) cb({ guildId: target.guildId, channelId: target.channelId });
      });
      return true;
    },
    onClick(cb: (target: { guildId: string | null; channelId: string }) => void): () => void {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
  };
}

export type WebNotifier = ReturnType<typeof createWebNotifier>;
