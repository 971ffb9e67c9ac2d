import type { CallCommand, Ringing } from '@shared/ipc/contract';
import type { Log } from '../log';

/**
 * The desktop side of a DM call ringing (the renderer rings with its own WebAudio tone and window; see
 * src-renderer/src/features/calls). While a call rings: one native notification (Accept / Decline buttons where the OS
 * has them, a click shows the window), the tray's ringing state, and the taskbar frame flashing. When the renderer says
 * nothing rings any more (answered here or on another device, declined, missed, cancelled), all three stop at once.
 * Same call again: nothing changes (no second notification).
 */

export interface RingingNotificationLike {
  on(event: 'click', listener: () => void): unknown;
  on(event: 'action', listener: (details: { actionIndex: number }) => void): unknown;
  show(): void;
  close(): void;
}

export interface RingingNotificationOptions {
  title: string;
  body: string;
  /** The renderer plays the ringtone. */
  silent: true;
  urgency: 'critical';
  timeoutType: 'never';
  actions: Array<{ type: 'button'; text: string }>;
}

export function createCallRinging(deps: {
  isSupported: () => boolean;
  createNotification: (options: RingingNotificationOptions) => RingingNotificationLike;
  /** The user's desktop notification switch. */
  enabled: () => boolean;
  /** A focused window shows the in-app incoming-call window already: no notification on top of it. */
  isWindowFocused: () => boolean;
  /** The tray shows the ringing call (icon, tooltip, Accept / Decline in its menu); null: back to the voice state. */
  setTrayRinging: (ringing: Ringing | null) => void;
  flashFrame: (flash: boolean) => void;
  onCommand: (command: CallCommand) => void;
  log: Log;
}): { set(ringing: Ringing | null): { notified: boolean }; current(): Ringing | null; dispose(): void } {
  let current: Ringing | null = null;
  let notification: RingingNotificationLike | null = null;

  function stop(): void {
    const n = notification;
    notification = null;
    // Set first: a close() that makes the OS report a click or action must not act on a call that stopped ringing.
    n?.close();
  }

  function notify(ringing: Ringing): boolean {
    if (!deps.enabled() || deps.isWindowFocused() || !deps.isSupported()) return false;
    const n = deps.createNotification({
      title: ringing.waiting ? 'Call waiting' : 'Incoming call',
      body: `${ringing.callerName} is calling you`,
      silent: true,
      urgency: 'critical',
      timeoutType: 'never',
      actions: [
        { type: 'button', text: 'Accept' },
        { type: 'button', text: 'Decline' },
      ],
    });
    const act = (command: CallCommand['command']): void => {
      if (notification !== n) return;
      deps.onCommand({ command, callId: ringing.callId });
    };
    n.on('click', () => act('show'));
    n.on('action', (details) => act(details.actionIndex === 0 ? 'accept' : 'decline'));
    notification = n;
    n.show();
    return true;
  }

  return {
    set(ringing) {
      if (
        ringing &&
        current &&
        ringing.callId === current.callId &&
        ringing.waiting === current.waiting &&
        ringing.callerName === current.callerName
      )
        return { notified: notification !== null };
      stop();
      current = ringing;
      deps.setTrayRinging(ringing);
      deps.flashFrame(ringing !== null);
      if (!ringing) return { notified: false };
      const notified = notify(ringing);
      deps.log.info({ callId: ringing.callId, waiting: ringing.waiting, notified }, 'call ringing');
      return { notified };
    },
    current: () => current,
    dispose() {
      stop();
      if (current) {
        current = null;
        deps.setTrayRinging(null);
        deps.flashFrame(false);
      }
    },
  };
}
