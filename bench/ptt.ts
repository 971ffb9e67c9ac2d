/**
 * ptt_hook_to_state_p95_ms: time from writing a key command to a long-lived `xdotool -` until our push-to-talk
 * module reports the state change, over 200 presses (each a key-down and a key-up, both measured) under a private
 * Xvfb. Includes xdotool, the X server, XRecord, libuiohook's thread, the N-API hop and our state machine; excludes
 * process spawning and xdotool's default 12 ms inter-key sleep (`--delay 0`). Release delay 0 so the key-up edge is measured too. Target: p95 < 15 ms. Prints one JSON object.
 */
import { performance } from 'node:perf_hooks';
import { startPttHarness, startXdotoolStream } from '../tests/electron/ptt-harness-client';
import { startXvfb } from '../tests/electron/xvfb';

const PRESSES = 200;
const TARGET_MS = 15;
const now = (): number => performance.timeOrigin + performance.now();

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

async function main(): Promise<void> {
  const xvfb = await startXvfb();
  const harness = await startPttHarness(xvfb.display);
  const xdotool = startXdotoolStream(xvfb.display);
  const samples: number[] = [];
  try {
    harness.send({
      cmd: 'apply',
      settings: {
        enabled: true,
        mode: 'hold',
        binding: { inputs: [{ type: 'key', code: 67 }], label: 'F9' },
        releaseDelayMs: 0,
        maxHoldMs: 60_000,
      },
    });
    await harness.waitFor((e) => e.some((x) => x.type === 'applied'), 'settings applied');
    const states = (): number => harness.events.filter((e) => e.type === 'state').length;

    // Warm-up press, not measured (first event pays for lazy initialisation on both sides).
    for (const step of ['keydown --delay 0 F9', 'keyup --delay 0 F9']) {
      const before = states();
      xdotool.command(step);
      await harness.waitFor(() => states() > before, step);
    }

    for (let i = 0; i < PRESSES; i += 1) {
      for (const step of ['keydown --delay 0 F9', 'keyup --delay 0 F9']) {
        const before = states();
        const sent = now();
        xdotool.command(step);
        await harness.waitFor(() => states() > before, step);
        const state = harness.events.filter((e) => e.type === 'state').at(-1);
        samples.push((state?.t ?? Number.NaN) - sent);
      }
    }
  } finally {
    await xdotool.stop();
    await harness.stop();
    await xvfb.stop();
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (n: number): number => Math.round(n * 100) / 100;
  const p95 = round(percentile(sorted, 95));
  process.stdout.write(
    `${JSON.stringify({
      bench: 'ptt',
      ptt_hook_to_state_p95_ms: p95,
      ptt_hook_to_state_p50_ms: round(percentile(sorted, 50)),
      ptt_hook_to_state_max_ms: round(sorted.at(-1) ?? Number.NaN),
      presses: PRESSES,
      samples: samples.length,
      target_ms: TARGET_MS,
      pass: p95 < TARGET_MS,
    })}\n`,
  );
}

await main();
