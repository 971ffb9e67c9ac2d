/** Input that shows someone is at the keyboard (what Discord counts too). */
const INPUT_EVENTS = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart'] as const;

/** Ten minutes without keyboard or pointer input make this session idle, as Discord. */
export const IDLE_AFTER_MS = 10 * 60 * 1000;

export type Activity = 'online' | 'idle';

export interface IdleTracker {
  readonly activity: Activity;
  stop(): void;
}

/**
 * Watches `target` (the window) for input and reports `idle` after `idleAfterMs` without any, `online` at the next
 * input. Input only records a time (pointer moves are frequent); one timer checks it, so nothing is rescheduled per
 * event.
 */
export function createIdleTracker(opts: {
  target: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;
  onChange(activity: Activity): void;
  idleAfterMs?: number;
  now?: () => number;
  timers?: { set(fn: () => void, ms: number): unknown; clear(handle: unknown): void };
}): IdleTracker {
  const idleAfter = opts.idleAfterMs ?? IDLE_AFTER_MS;
  const now = opts.now ?? Date.now;
  const timers = opts.timers ?? {
    set: (fn: () => void, ms: number) => setTimeout(fn, ms),
    clear: (h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>),
  };
  let activity: Activity = 'online';
  let lastInput = now();
  let timer: unknown = null;
  let stopped = false;

  function schedule(ms: number) {
    timer = timers.set(check, Math.max(0, ms));
  }
  function check() {
    timer = null;
    if (stopped) return;
    const quiet = now() - lastInput;
    if (quiet < idleAfter) return schedule(idleAfter - quiet);
    activity = 'idle';
    opts.onChange('idle');
  }
  function onInput() {
    lastInput = now();
    if (activity === 'idle') {
      activity = 'online';
      opts.onChange('online');
    }
    if (timer === null && !stopped) schedule(idleAfter);
  }

  for (const e of INPUT_EVENTS) opts.target.addEventListener(e, onInput, { passive: true });
  schedule(idleAfter);
  return {
    get activity() {
      return activity;
    },
    stop() {
      stopped = true;
      if (timer !== null) timers.clear(timer);
      for (const e of INPUT_EVENTS) opts.target.removeEventListener(e, onInput);
    },
  };
}
