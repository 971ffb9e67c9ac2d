import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PttSettings } from '@shared/ipc/settings';
import type { HarnessEvent, PttHarness } from '../electron/ptt-harness-client';
import { startPttHarness } from '../electron/ptt-harness-client';
import type { Xvfb } from '../electron/xvfb';
import { startXvfb } from '../electron/xvfb';

/**
 * The real global hook: our own Xvfb, the real uiohook-napi native module driving our push-to-talk module
 * (in a child process, see tests/electron/ptt-hook-harness.ts), and xdotool as the user pressing keys while no
 * Parley window exists at all — the "a game has focus" situation.
 */

const F9 = 67;
const F10 = 68;
const CTRL = 29;
const RELEASE_DELAY_MS = 300;

let xvfb: Xvfb;
let harness: PttHarness;

const settings = (over: Partial<PttSettings>): PttSettings => ({
  enabled: true,
  mode: 'hold',
  binding: { inputs: [{ type: 'key', code: F9 }], label: 'F9' },
  releaseDelayMs: RELEASE_DELAY_MS,
  maxHoldMs: 60_000,
  ...over,
});

const statesFrom = (start: number): HarnessEvent[] => harness.events.slice(start).filter((e) => e.type === 'state');

async function apply(s: PttSettings): Promise<HarnessEvent> {
  const before = harness.events.length;
  harness.send({ cmd: 'apply', settings: s });
  await harness.waitFor((e) => e.slice(before).some((x) => x.type === 'applied'), 'settings applied');
  return harness.events.slice(before).find((x) => x.type === 'applied')!;
}

describe('global push-to-talk through uiohook-napi under Xvfb', () => {
  beforeAll(async () => {
    xvfb = await startXvfb();
    harness = await startPttHarness(xvfb.display);
  }, 60_000);

  afterAll(async () => {
    // Order matters: the hook's process must be gone before its X server is (see the harness).
    await harness?.stop();
    await xvfb?.stop();
  });

  it('when the bound key goes down and up, then transmit turns on, then off no earlier than the release delay after the key-up', async () => {
    const applied = await apply(settings({}));
    expect(applied.diagnostics).toMatchObject({ backend: 'uiohook', status: 'active', problem: null });
    const start = harness.events.length;

    await xvfb.xdotool('keydown', 'F9');
    await harness.waitFor(() => statesFrom(start).length >= 1, 'transmit on');
    await xvfb.xdotool('keyup', 'F9');
    await harness.waitFor(() => statesFrom(start).length >= 2, 'transmit off');

    const states = statesFrom(start);
    expect(states.map((s) => [s.transmitting, s.reason, s.source])).toEqual([
      [true, 'press', 'hook'],
      [false, 'release', 'hook'],
    ]);
    const keyUp = harness.events.slice(start).find((e) => e.type === 'input' && e.down === false);
    expect(keyUp?.input).toEqual({ type: 'key', code: F9 });
    // Ordering: on, then the key-up reaches the hook, then off — and off waits the configured delay. Node arms a timer
    // from the event loop's cached clock, which may trail the hook's performance.now() by a few ms on a busy machine.
    const [on, off] = states as [HarnessEvent, HarnessEvent];
    expect(on.t!).toBeLessThanOrEqual(keyUp!.t!);
    expect(off.t! - keyUp!.t!).toBeGreaterThanOrEqual(RELEASE_DELAY_MS - 5);
  });

  it('when the key is pressed again inside the release delay, then transmission never drops', async () => {
    const start = harness.events.length;
    await xvfb.xdotool('keydown', 'F9');
    await harness.waitFor(() => statesFrom(start).length >= 1, 'transmit on');
    // One xdotool call for both: two processes could start more than the release delay apart on a busy machine.
    await xvfb.xdotool('keyup', 'F9', 'keydown', 'F9');
    const upsSeen = (): number => harness.events.slice(start).filter((e) => e.type === 'input' && e.down === false).length;
    await harness.waitFor(() => upsSeen() >= 1, 'first key-up reached the hook');
    await new Promise((r) => setTimeout(r, RELEASE_DELAY_MS + 150));
    expect(statesFrom(start).map((s) => s.transmitting)).toEqual([true]);
    await xvfb.xdotool('keyup', 'F9');
    await harness.waitFor(() => statesFrom(start).length >= 2, 'transmit off');
    expect(statesFrom(start).map((s) => s.transmitting)).toEqual([true, false]);
  });

  it('when a mouse button is bound with no release delay, then pressing it anywhere transmits until it is released', async () => {
    // X button 2 is the middle button, which uiohook reports as button 3.
    await apply(settings({ binding: { inputs: [{ type: 'mouse', button: 3 }], label: 'Mouse Middle' }, releaseDelayMs: 0 }));
    const start = harness.events.length;
    await xvfb.xdotool('mousedown', '2');
    await harness.waitFor(() => statesFrom(start).length >= 1, 'transmit on');
    await xvfb.xdotool('mouseup', '2');
    await harness.waitFor(() => statesFrom(start).length >= 2, 'transmit off');
    expect(statesFrom(start).map((s) => [s.transmitting, s.reason, s.source])).toEqual([
      [true, 'press', 'hook'],
      [false, 'release', 'hook'],
    ]);
  });

  it('when rebinding, then the next combination pressed becomes the binding', async () => {
    const start = harness.events.length;
    harness.send({ cmd: 'capture' });
    await harness.waitFor((e) => e.slice(start).some((x) => x.type === 'capturing'), 'capture started');
    await xvfb.xdotool('key', 'ctrl+F10');
    await harness.waitFor((e) => e.slice(start).some((x) => x.type === 'captured'), 'captured binding');
    expect(harness.events.slice(start).find((x) => x.type === 'captured')?.binding).toEqual({
      inputs: [
        { type: 'key', code: CTRL },
        { type: 'key', code: F10 },
      ],
      label: 'Ctrl+F10',
    });
  });
});
