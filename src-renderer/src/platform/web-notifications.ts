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
  new (title: string, options?: { body?: string; tag?: string; silent?: boolean; requireInteraction?: boolean }): NotificationLike;
  readonly permission: string;
  requestPermission(): Promise<string>;
}

/** A DM call ringing for me (features/calls, the same shape the desktop bridge gets). */
export interface RingingCall {
  callId: string;
  callerName: string;
  waiting: boolean;
}

export function createWebNotifier(deps: {
  ctor: () => NotificationCtor | undefined;
  focusWindow: () => void;
  /** Whether the user can see the page now (tab visible and focused): then the page's own call window is enough. */
  inView?: () => boolean;
}) {
  const listeners = new Set<(target: { guildId: string | null; channelId: string }) => void>();
  let ringing: { callId: string; notification: NotificationLike } | null = null;
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
    /**
     * A call rings (or stops: null). While the page is out of view, a notification that stays until answered says who
     * calls; it closes when the ringing stops (answered here or elsewhere, declined, missed) and a click brings the tab
     * forward, where Accept and Decline are. Silent: the page plays the ringtone.
     */
    ring(call: RingingCall | null): void {
      if (ringing && ringing.callId !== call?.callId) {
        ringing.notification.close();
        ringing = null;
      }
      const N = deps.ctor();
      if (!call || ringing || !N || permission() !== 'granted' || (deps.inView?.() ?? false)) return;
      const notification = new N(call.waiting ? 'Call waiting' : 'Incoming call', {
        body: `${call.callerName} is calling you`,
        tag: `parley-call:${call.callId}`,
        requireInteraction: true,
        silent: true,
      });
      notification.addEventListener('click', () => {
        deps.focusWindow();
        notification.close();
      });
      ringing = { callId: call.callId, notification };
    },
    onClick(cb: (target: { guildId: string | null; channelId: string }) => void): () => void {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
  };
}

export type WebNotifier = ReturnType<typeof createWebNotifier>;
