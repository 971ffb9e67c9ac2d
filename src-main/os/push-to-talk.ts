import type { HookProblem, Notice, PttDiagnostics, PttState } from '@shared/ipc/contract';
import type { PttBinding, PttInput, PttSettings } from '@shared/ipc/settings';
import type { Clock } from '../clock';
import type { Log } from '../log';
import type { HookSupport } from './hook-support';
import { createBindingCapture, createBindingMatcher, inputKey } from './ptt-binding';
import type { ForcedReason } from './ptt-machine';
import { createPttMachine } from './ptt-machine';

/**
 * Global push-to-talk: owns the input hook's lifecycle, feeds the pure state machine, captures new bindings and
 * publishes diagnostics. The hook only runs while it is needed (push-to-talk on with a binding, or a rebind in
 * progress): a global hook that is not needed is a keylogger-shaped liability.
 */

/** A started hook reports raw presses; `start` throws when the OS refuses (the caller treats that as hook failure). */
export interface InputHook {
  start(listener: (input: PttInput, down: boolean) => void): void;
  stop(): void;
}

export type PttCliAction = 'down' | 'up' | 'toggle';
type HotkeyStatus = PttDiagnostics['hotkeys'];

export interface PushToTalkDeps {
  /** Loads the native hook lazily; throwing here means the module is missing for this platform. */
  loadHook: () => InputHook;
  detectSupport: () => Promise<HookSupport>;
  clock: Clock;
  log: Log;
  fallbackCommands: PttDiagnostics['fallbackCommands'];
  onState: (state: PttState) => void;
  onDiagnostics: (diagnostics: PttDiagnostics) => void;
  onCaptured: (binding: PttBinding) => void;
  onNotice: (notice: Notice) => void;
  /**
   * Polled while the hook runs; returns why the hook can no longer work (e.g. macOS Accessibility revoked), or null.
   * uiohook has no error callback once started, so this is how a dead hook is noticed and transmission released.
   */
  healthCheck?: () => Promise<string | null>;
  healthIntervalMs?: number;
  /** A rebind nobody finishes is cancelled after this long, so the hook does not keep watching every key. */
  captureTimeoutMs?: number;
}

export interface PushToTalk {
  /** Apply (new) settings: starts or stops the hook, reconfigures delays/mode, resets the binding. */
  apply(settings: PttSettings): Promise<void>;
  cli(action: PttCliAction): void;
  startCapture(): Promise<void>;
  cancelCapture(): void;
  forceRelease(reason: ForcedReason): void;
  /** Called when the hook breaks while running (e.g. stop throws, or the OS revokes access). */
  hookFailed(error: unknown): void;
  setHotkeyStatus(status: HotkeyStatus): void;
  diagnostics(): PttDiagnostics;
  readonly transmitting: boolean;
  dispose(): void;
}

export function createPushToTalk(deps: PushToTalkDeps): PushToTalk {
  const { clock, log } = deps;
  let settings: PttSettings = { enabled: false, mode: 'hold', binding: null, releaseDelayMs: 200, maxHoldMs: 600_000 };
  let hook: InputHook | null = null;
  let hookRunning = false;
  let problem: { problem: HookProblem; message: string; hint: string; fatal: boolean } | null = null;
  let failed = false;
  let support: HookSupport | null = null;
  let matcher = createBindingMatcher(null);
  let capture: ReturnType<typeof createBindingCapture> | null = null;
  let lastEventAt: number | null = null;
  let hotkeys: HotkeyStatus = { toggleMute: 'off', toggleDeafen: 'off' };
  let lastDiagnostics = '';
  let healthTimer: unknown = null;
  let captureTimer: unknown = null;
  /** The last problem the user was told about: every settings change retries the hook, but tells them only once. */
  let notified: string | null = null;

  function notify(notice: Notice): void {
    if (notified === notice.code + notice.message) return;
    notified = notice.code + notice.message;
    deps.onNotice(notice);
  }

  function clearCaptureTimer(): void {
    if (captureTimer !== null) clock.clearTimeout(captureTimer);
    captureTimer = null;
  }

  function scheduleHealthCheck(): void {
    const check = deps.healthCheck;
    if (!check || healthTimer !== null) return;
    healthTimer = clock.setTimeout(() => {
      healthTimer = null;
      void check().then(
        (problem) => {
          if (!hookRunning) return;
          if (problem) api.hookFailed(new Error(problem));
          else scheduleHealthCheck();
        },
        () => scheduleHealthCheck(),
      );
    }, deps.healthIntervalMs ?? 5000);
  }

  function cancelHealthCheck(): void {
    if (healthTimer !== null) clock.clearTimeout(healthTimer);
    healthTimer = null;
  }

  const machine = createPttMachine({
    clock,
    config: settings,
    onChange: (state) => {
      log.debug({ transmitting: state.transmitting, reason: state.reason, source: state.source }, 'ptt state');
      deps.onState(state);
      publish();
    },
  });

  function diagnostics(): PttDiagnostics {
    const bindingKeys = new Set((settings.binding?.inputs ?? []).map(inputKey));
    // Only the binding's own inputs leave the main process (or everything while capturing, which the user asked for):
    // forwarding every global key press to the renderer would be a keylogger.
    const held = capture ? matcher.held : matcher.held.filter((i) => bindingKeys.has(inputKey(i)));
    const status: PttDiagnostics['status'] = hookRunning ? 'active' : failed ? 'failed' : problem?.fatal ? 'unavailable' : 'idle';
    const backend: PttDiagnostics['backend'] = hookRunning ? 'uiohook' : settings.enabled ? 'cli' : 'none';
    return {
      backend,
      status,
      problem: problem?.problem ?? null,
      message: problem?.message ?? null,
      hint: problem?.hint ?? null,
      fallbackCommands: deps.fallbackCommands,
      heldInputs: held,
      bindingHeld: matcher.active,
      transmitting: machine.transmitting,
      capturing: capture !== null,
      lastEventAt,
      hotkeys,
    };
  }

  /** Emits only when something visible changed, so a held key with OS auto-repeat does not flood the bridge. */
  function publish(): void {
    const d = diagnostics();
    const { lastEventAt: _ignored, ...visible } = d;
    const key = JSON.stringify(visible);
    if (key === lastDiagnostics) return;
    lastDiagnostics = key;
    deps.onDiagnostics(d);
  }

  function onInput(input: PttInput, down: boolean): void {
    lastEventAt = clock.now();
    if (capture) {
      matcher.feed(input, down);
      const result = capture.feed(input, down);
      if (result) {
        capture = null;
        clearCaptureTimer();
        matcher = createBindingMatcher(settings.binding);
        if (result.kind === 'captured') {
          log.info({ label: result.binding.label }, 'ptt binding captured');
          deps.onCaptured(result.binding);
        } else log.info({}, 'ptt rebind cancelled');
        void syncHook();
      }
      publish();
      return;
    }
    const edge = matcher.feed(input, down);
    if (edge === 'down') machine.down('hook');
    else if (edge === 'up') machine.up('hook');
    if (edge) publish();
  }

  function wantHook(): boolean {
    return capture !== null || (settings.enabled && settings.binding !== null);
  }

  async function syncHook(): Promise<void> {
    if (!wantHook()) {
      stopHook();
      publish();
      return;
    }
    if (hookRunning) return;
    if (!support || !support.ok) support = await deps.detectSupport();
    if (!wantHook() || hookRunning) return; // settings changed while we were probing
    if (!support.ok) {
      problem = { problem: support.problem, message: support.message, hint: support.hint, fatal: true };
      log.warn({ problem: support.problem }, 'global hook unavailable, offering the --ptt fallback');
      notify({ code: 'ptt-hook-unavailable', message: support.message, hint: support.hint });
      publish();
      return;
    }
    problem = support.warning ? { ...support.warning, fatal: false } : null;
    try {
      hook ??= deps.loadHook();
    } catch (error) {
      setFailure('hook-module-missing', error);
      return;
    }
    try {
      matcher.reset();
      machine.clearSuppression();
      hook.start(onInput);
      hookRunning = true;
      failed = false;
      notified = null;
      scheduleHealthCheck();
      log.info({ warning: support.warning?.problem ?? null }, 'global hook started');
    } catch (error) {
      setFailure('hook-start-failed', error);
      return;
    }
    publish();
  }

  function stopHook(): void {
    cancelHealthCheck();
    if (!hook || !hookRunning) return;
    hookRunning = false;
    matcher.reset();
    try {
      hook.stop();
    } catch (error) {
      log.warn({ err: String(error) }, 'global hook stop failed');
    }
  }

  function setFailure(code: HookProblem, error: unknown): void {
    cancelHealthCheck();
    hookRunning = false;
    failed = true;
    matcher.reset();
    const message =
      code === 'hook-module-missing'
        ? 'The global key hook is not available for this platform build.'
        : `The global key hook stopped working (${error instanceof Error ? error.message : String(error)}).`;
    const hint = `Push-to-talk still works in the Parley window. To use it globally, bind "${deps.fallbackCommands.down}" / "${deps.fallbackCommands.up}" in your system's keyboard shortcuts.`;
    problem = { problem: code, message, hint, fatal: true };
    log.error({ problem: code, err: String(error) }, 'global hook failed; releasing push-to-talk');
    // No more key events will come, so there is no release to wait for.
    machine.forceRelease('hook-failure', false);
    notify({ code: 'ptt-hook-failed', message, hint });
    publish();
  }

  const api: PushToTalk = {
    async apply(next) {
      const bindingChanged = JSON.stringify(next.binding) !== JSON.stringify(settings.binding);
      const wasEnabled = settings.enabled;
      settings = next;
      machine.configure({ mode: next.mode, releaseDelayMs: next.releaseDelayMs, maxHoldMs: next.maxHoldMs });
      if ((wasEnabled && !next.enabled) || bindingChanged) machine.forceRelease('disabled', false);
      if (bindingChanged) {
        matcher = createBindingMatcher(next.binding);
        machine.clearSuppression();
      }
      if (next.enabled && !wasEnabled) {
        // Re-detect: the user may have granted Accessibility or switched session since the last try.
        support = null;
        failed = false;
      }
      await syncHook();
      publish();
    },
    cli(action) {
      if (!settings.enabled) {
        log.info({ action }, 'ignoring --ptt: push-to-talk is off');
        return;
      }
      lastEventAt = clock.now();
      if (action === 'down') machine.down('cli');
      else if (action === 'up') machine.up('cli');
      else machine.toggle('cli');
    },
    async startCapture() {
      capture = createBindingCapture();
      clearCaptureTimer();
      captureTimer = clock.setTimeout(() => {
        captureTimer = null;
        log.info({}, 'ptt rebind timed out');
        api.cancelCapture();
      }, deps.captureTimeoutMs ?? 15_000);
      matcher = createBindingMatcher(null);
      machine.forceRelease('disabled', false);
      await syncHook();
      publish();
    },
    cancelCapture() {
      clearCaptureTimer();
      if (!capture) return;
      capture = null;
      matcher = createBindingMatcher(settings.binding);
      void syncHook();
      publish();
    },
    forceRelease(reason) {
      // With the hook running we know whether the binding is still down; without it (--ptt) an "up" will follow.
      machine.forceRelease(reason, hookRunning ? matcher.active : true);
    },
    hookFailed(error) {
      stopHook();
      setFailure('hook-start-failed', error);
    },
    setHotkeyStatus(status) {
      hotkeys = status;
      publish();
    },
    diagnostics,
    get transmitting() {
      return machine.transmitting;
    },
    dispose() {
      clearCaptureTimer();
      machine.forceRelease('quit');
      machine.dispose();
      stopHook();
    },
  };
  return api;
}
