import type { PttState } from '@shared/ipc/contract';
import { MAX_HOLD_LIMIT_MS, RELEASE_DELAY_MAX_MS } from '@shared/ipc/settings';
import type { Clock } from '../clock';

/**
 * The push-to-talk state machine, with no I/O: inputs are "the binding went down / up", toggles and forced
 * releases; the output is a transmit on/off change. The hook, the `--ptt` command line and power events all feed it.
 *
 * hold mode:   down → transmit; up → stop after `releaseDelayMs` (a new down within the delay keeps transmitting).
 * toggle mode: each down flips transmit; up is ignored.
 * both:        transmission stops after `maxHoldMs`; a forced release (lock, suspend, hook failure) stops at once.
 *              After max-hold or a forced release, hold mode ignores the binding until it has been released,
 *              so a key that is still physically down cannot re-open the microphone on its own.
 */

export type PttMode = 'hold' | 'toggle';
export type PttSource = PttState['source'];
export type ForcedReason = 'max-hold' | 'lock-screen' | 'suspend' | 'hook-failure' | 'disabled' | 'quit';

export interface PttMachineConfig {
  mode: PttMode;
  releaseDelayMs: number;
  maxHoldMs: number;
}

export interface PttMachine {
  down(source: PttSource): void;
  up(source: PttSource): void;
  toggle(source: PttSource): void;
  /** `stillHeld`: whether the binding may still be physically down (then hold mode waits for its release). */
  forceRelease(reason: ForcedReason, stillHeld?: boolean): void;
  /** Forget a pending "wait for release" (the hook restarted, so stale key state is gone). */
  clearSuppression(): void;
  configure(config: PttMachineConfig): void;
  readonly transmitting: boolean;
  dispose(): void;
}

const clamp = (n: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, n));

export function createPttMachine(deps: { clock: Clock; config: PttMachineConfig; onChange: (state: PttState) => void }): PttMachine {
  const { clock, onChange } = deps;
  let config = normalise(deps.config);
  let transmitting = false;
  let releaseTimer: unknown = null;
  let maxHoldTimer: unknown = null;
  /** Hold mode only: set after a forced stop while the binding may still be down; cleared by the next `up`. */
  let suppressed = false;

  function normalise(c: PttMachineConfig): PttMachineConfig {
    return {
      mode: c.mode,
      releaseDelayMs: clamp(Math.round(c.releaseDelayMs), 0, RELEASE_DELAY_MAX_MS),
      maxHoldMs: clamp(Math.round(c.maxHoldMs), 1, MAX_HOLD_LIMIT_MS),
    };
  }

  function clearRelease(): void {
    if (releaseTimer !== null) clock.clearTimeout(releaseTimer);
    releaseTimer = null;
  }
  function clearMaxHold(): void {
    if (maxHoldTimer !== null) clock.clearTimeout(maxHoldTimer);
    maxHoldTimer = null;
  }

  function start(reason: PttState['reason'], source: PttSource): void {
    clearRelease();
    if (transmitting) return;
    transmitting = true;
    clearMaxHold();
    maxHoldTimer = clock.setTimeout(() => {
      maxHoldTimer = null;
      forceRelease('max-hold');
    }, config.maxHoldMs);
    onChange({ transmitting: true, reason, source, at: clock.now() });
  }

  function stop(reason: PttState['reason'], source: PttSource): void {
    clearRelease();
    clearMaxHold();
    if (!transmitting) return;
    transmitting = false;
    onChange({ transmitting: false, reason, source, at: clock.now() });
  }

  function forceRelease(reason: ForcedReason, stillHeld = true): void {
    // A pending release timer means the key is already up: nothing to wait for.
    if (config.mode === 'hold' && transmitting && releaseTimer === null && stillHeld && reason !== 'quit') suppressed = true;
    stop(reason, 'system');
  }

  return {
    get transmitting() {
      return transmitting;
    },
    down(source) {
      if (config.mode === 'toggle') {
        if (transmitting) stop('toggle', source);
        else start('toggle', source);
        return;
      }
      if (suppressed) return;
      start('press', source);
    },
    up(source) {
      if (config.mode === 'toggle') return;
      if (suppressed) {
        suppressed = false;
        return;
      }
      if (!transmitting || releaseTimer !== null) return;
      if (config.releaseDelayMs === 0) {
        stop('release', source);
        return;
      }
      releaseTimer = clock.setTimeout(() => {
        releaseTimer = null;
        stop('release', source);
      }, config.releaseDelayMs);
    },
    toggle(source) {
      if (transmitting) stop('toggle', source);
      else {
        suppressed = false;
        start('toggle', source);
      }
    },
    forceRelease,
    clearSuppression() {
      suppressed = false;
    },
    configure(next) {
      const normalised = normalise(next);
      if (normalised.mode !== config.mode) {
        // Switching modes mid-transmission would leave the user transmitting under rules they did not start with.
        config = normalised;
        suppressed = false;
        stop('disabled', 'system');
        return;
      }
      config = normalised;
    },
    dispose() {
      clearRelease();
      clearMaxHold();
    },
  };
}
