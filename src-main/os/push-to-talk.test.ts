import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Notice, PttDiagnostics, PttState } from '@shared/ipc/contract';
import type { PttBinding, PttInput, PttSettings } from '@shared/ipc/settings';
import { systemClock } from '../clock';
import type { Log } from '../log';
import type { HookSupport } from './hook-support';
import { fallbackCommands } from './hook-support';
import type { InputHook } from './push-to-talk';
import { createPushToTalk } from './push-to-talk';

const F9 = 67;
const silent: Log = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

class FakeHook implements InputHook {
  listener: ((input: PttInput, down: boolean) => void) | null = null;
  starts = 0;
  failNextStart: Error | null = null;
  start(listener: (input: PttInput, down: boolean) => void): void {
    if (this.failNextStart) throw this.failNextStart;
    this.starts += 1;
    this.listener = listener;
  }
  stop(): void {
    this.listener = null;
  }
  press(code: number, down: boolean): void {
    this.listener?.({ type: 'key', code }, down);
  }
}

const settings = (over: Partial<PttSettings> = {}): PttSettings => ({
  enabled: true,
  mode: 'hold',
  binding: { inputs: [{ type: 'key', code: F9 }], label: 'F9' },
  releaseDelayMs: 0,
  maxHoldMs: 60_000,
  ...over,
});

function setup(support: HookSupport = { ok: true, warning: null }, healthCheck?: () => Promise<string | null>) {
  const hook = new FakeHook();
  const states: PttState[] = [];
  const diagnostics: PttDiagnostics[] = [];
  const notices: Notice[] = [];
  const captured: PttBinding[] = [];
  const ptt = createPushToTalk({
    loadHook: () => hook,
    detectSupport: async () => support,
    clock: systemClock,
    log: silent,
    fallbackCommands: fallbackCommands('parley'),
    onState: (s) => states.push(s),
    onDiagnostics: (d) => diagnostics.push(d),
    onCaptured: (b) => captured.push(b),
    onNotice: (n) => notices.push(n),
    healthCheck,
    healthIntervalMs: 1000,
  });
  return { hook, ptt, states, diagnostics, notices, captured };
}

describe('push-to-talk service', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('when push-to-talk is off, then the global hook is not running', async () => {
    const { hook, ptt } = setup();
    await ptt.apply(settings({ enabled: false }));
    expect(hook.listener).toBeNull();
    expect(ptt.diagnostics()).toMatchObject({ backend: 'none', status: 'idle' });
  });

  it('when the bound key is pressed anywhere, then transmission follows it and diagnostics show the live key state', async () => {
    const { hook, ptt, states, diagnostics } = setup();
    await ptt.apply(settings());
    hook.press(F9, true);
    expect(ptt.diagnostics()).toMatchObject({ backend: 'uiohook', status: 'active', bindingHeld: true, transmitting: true });
    expect(ptt.diagnostics().heldInputs).toEqual([{ type: 'key', code: F9 }]);
    hook.press(F9, false);
    expect(states.map((s) => s.transmitting)).toEqual([true, false]);
    expect(diagnostics.at(-1)).toMatchObject({ bindingHeld: false, transmitting: false });
  });

  it('when other keys are typed, then they never appear in diagnostics (no keylogging into the renderer)', async () => {
    const { hook, ptt, diagnostics } = setup();
    await ptt.apply(settings());
    const before = diagnostics.length;
    hook.press(30, true); // "A"
    expect(ptt.diagnostics().heldInputs).toEqual([]);
    expect(diagnostics.length).toBe(before);
  });

  it('when the hook cannot work here, then the user is told why and offered --ptt, which then drives transmission', async () => {
    const { hook, ptt, notices, states } = setup({
      ok: false,
      problem: 'wayland-no-xwayland',
      message: 'no XWayland',
      hint: 'bind parley --ptt=down',
    });
    await ptt.apply(settings());
    expect(hook.starts).toBe(0);
    expect(notices).toEqual([{ code: 'ptt-hook-unavailable', message: 'no XWayland', hint: 'bind parley --ptt=down' }]);
    expect(ptt.diagnostics()).toMatchObject({ backend: 'cli', status: 'unavailable', problem: 'wayland-no-xwayland' });
    ptt.cli('down');
    ptt.cli('up');
    expect(states.map((s) => [s.transmitting, s.source])).toEqual([
      [true, 'cli'],
      [false, 'cli'],
    ]);
  });

  it('when the hook fails to start, then transmission is released and the failure is explained', async () => {
    const { hook, ptt, notices } = setup();
    hook.failNextStart = new Error('UIOHOOK_ERROR_AXAPI_DISABLED');
    await ptt.apply(settings());
    expect(ptt.diagnostics()).toMatchObject({ status: 'failed', problem: 'hook-start-failed' });
    expect(notices[0]?.code).toBe('ptt-hook-failed');
    expect(notices[0]?.hint).toContain('--ptt=down');
  });

  it('when the hook breaks while the key is held, then transmission stops immediately', async () => {
    const { hook, ptt, states } = setup();
    await ptt.apply(settings({ releaseDelayMs: 1000 }));
    hook.press(F9, true);
    ptt.hookFailed(new Error('XRecord context lost'));
    expect(states.at(-1)).toMatchObject({ transmitting: false, reason: 'hook-failure' });
  });

  it('when the screen locks while the key is held, then transmission stops and needs a fresh press', async () => {
    const { hook, ptt, states } = setup();
    await ptt.apply(settings());
    hook.press(F9, true);
    ptt.forceRelease('lock-screen');
    hook.press(F9, true); // auto-repeat
    expect(ptt.transmitting).toBe(false);
    hook.press(F9, false);
    hook.press(F9, true);
    expect(states.map((s) => s.reason)).toEqual(['press', 'lock-screen', 'press']);
  });

  it('when rebinding, then the hook runs even with push-to-talk off, the next press is captured, and the old key no longer transmits meanwhile', async () => {
    const { hook, ptt, captured, states } = setup();
    await ptt.apply(settings({ enabled: false }));
    await ptt.startCapture();
    expect(ptt.diagnostics().capturing).toBe(true);
    hook.listener?.({ type: 'mouse', button: 4 }, true);
    hook.listener?.({ type: 'mouse', button: 4 }, false);
    expect(captured).toEqual([{ inputs: [{ type: 'mouse', button: 4 }], label: 'Mouse 4' }]);
    expect(states).toEqual([]);
    expect(ptt.diagnostics().capturing).toBe(false);
    expect(hook.listener).toBeNull(); // back off: push-to-talk is still disabled
  });

  it('when the command line sends --ptt while push-to-talk is off, then it is ignored', async () => {
    const { ptt, states } = setup();
    await ptt.apply(settings({ enabled: false }));
    ptt.cli('toggle');
    expect(states).toEqual([]);
  });

  it('when the binding changes while transmitting, then transmission stops and the new key takes over', async () => {
    const { hook, ptt, states } = setup();
    await ptt.apply(settings());
    hook.press(F9, true);
    await ptt.apply(settings({ binding: { inputs: [{ type: 'key', code: 68 }], label: 'F10' } }));
    expect(states.at(-1)).toMatchObject({ transmitting: false, reason: 'disabled' });
    hook.press(68, true);
    expect(ptt.transmitting).toBe(true);
  });

  it('when the health check finds the hook dead (e.g. Accessibility revoked) while the key is held, then transmission is released and the user told', async () => {
    let problem: string | null = null;
    const { hook, ptt, states, notices } = setup({ ok: true, warning: null }, async () => problem);
    await ptt.apply(settings({ releaseDelayMs: 1000 }));
    hook.press(F9, true);
    await vi.advanceTimersByTimeAsync(3000);
    expect(ptt.transmitting).toBe(true);
    problem = 'Accessibility permission was revoked';
    await vi.advanceTimersByTimeAsync(1000);
    expect(states.at(-1)).toMatchObject({ transmitting: false, reason: 'hook-failure' });
    expect(ptt.diagnostics()).toMatchObject({ status: 'failed', backend: 'cli' });
    expect(notices.at(-1)?.message).toContain('Accessibility permission was revoked');
  });

  it('when a rebind is started and nothing is pressed, then it is cancelled after the timeout and the hook stops watching', async () => {
    const { hook, ptt, captured } = setup();
    await ptt.apply(settings({ enabled: false }));
    await ptt.startCapture();
    expect(hook.listener).not.toBeNull();
    await vi.advanceTimersByTimeAsync(15_000);
    expect(ptt.diagnostics().capturing).toBe(false);
    expect(hook.listener).toBeNull();
    expect(captured).toEqual([]);
  });

  it('when settings change again while the hook still cannot work, then the user is not told twice', async () => {
    const { ptt, notices } = setup({ ok: false, problem: 'wayland-no-xwayland', message: 'no XWayland', hint: 'bind parley --ptt=down' });
    await ptt.apply(settings());
    await ptt.apply(settings({ releaseDelayMs: 500 }));
    await ptt.apply(settings({ mode: 'toggle' }));
    expect(notices).toHaveLength(1);
  });
});
