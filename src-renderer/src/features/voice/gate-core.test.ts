import { describe, expect, it } from 'vitest';
import { GateCore, LEVEL_WINDOW } from './gate-core';

const RATE = 48_000;
const QUANTUM = 128;
const QUANTUM_MS = (QUANTUM / RATE) * 1000;

/** Runs `quanta` quanta of `level(sampleIndex)` through `core` from `startMs`; returns the outputs and reports. */
function run(core: GateCore, quanta: number, level: (n: number) => number, startMs = 0, startSample = 0) {
  const outs: Float32Array[] = [];
  const reports: { atMs: number; open: boolean; levelDb: number }[] = [];
  for (let q = 0; q < quanta; q++) {
    const input = new Float32Array(QUANTUM);
    for (let i = 0; i < QUANTUM; i++) input[i] = level(startSample + q * QUANTUM + i);
    const out = new Float32Array(QUANTUM);
    const atMs = startMs + q * QUANTUM_MS;
    const report = core.process([input], [out], atMs);
    if (report) reports.push({ atMs, ...report });
    outs.push(out);
  }
  return { outs, reports };
}

const tone = (amplitude: number) => (n: number) => amplitude * Math.sin((2 * Math.PI * 1000 * n) / RATE);
const silence = () => 0;
const peak = (a: Float32Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe('GateCore (the microphone gate in the audio thread)', () => {
  it('sends digital silence while closed and opens in the quantum where speech starts', () => {
    const core = new GateCore(RATE);
    const closed = run(core, 20, silence);
    expect(closed.outs.every((o) => peak(o) === 0)).toBe(true);
    expect(closed.reports[0]).toMatchObject({ open: false, levelDb: -100 });

    const speech = run(core, 8, tone(0.5), 20 * QUANTUM_MS, 20 * QUANTUM);
    // The first quantum with the onset already passes audio through the ramp (5 ms attack)…
    expect(speech.reports[0]).toMatchObject({ open: true });
    expect(speech.reports[0]!.atMs).toBe(20 * QUANTUM_MS);
    expect(peak(speech.outs[0]!)).toBeGreaterThan(0.05);
    // …and 4 quanta (10.7 ms) later the gain is past 0.9.
    expect(peak(speech.outs[4]!)).toBeGreaterThan(0.45);
  });

  it('measures the level over the last LEVEL_WINDOW samples', () => {
    const core = new GateCore(RATE);
    const quanta = LEVEL_WINDOW / QUANTUM;
    run(core, quanta / 2, () => 0.1);
    // Half the window: 10·log10(0.01 / 2) ≈ −23 dBFS.
    expect(core.level).toBeCloseTo(-23.01, 1);
    run(core, quanta, () => 0.1);
    // A constant 0.1 is −20 dBFS once the window is full.
    expect(core.level).toBeCloseTo(-20, 1);
  });

  it('holds the gate open through a short pause and closes it after the hold time', () => {
    const core = new GateCore(RATE);
    core.setMode({ kind: 'vad', vad: { thresholdDb: -50, hysteresisDb: 6, holdMs: 300 } }, 0);
    run(core, 10, tone(0.5));
    const startMs = 10 * QUANTUM_MS;
    const quiet = run(core, Math.ceil(400 / QUANTUM_MS), silence, startMs, 10 * QUANTUM);
    const closedAt = quiet.reports.find((r) => !r.open)?.atMs;
    expect(closedAt).toBeDefined();
    // The window empties ~21 ms after the speech, then 300 ms of hold.
    expect(closedAt! - startMs).toBeGreaterThanOrEqual(300);
    expect(closedAt! - startMs).toBeLessThan(340);
    // After the release ramp the output is exactly zero again.
    expect(peak(quiet.outs.at(-1)!)).toBe(0);
  });

  it('does not open below the threshold', () => {
    const core = new GateCore(RATE);
    core.setMode({ kind: 'vad', vad: { thresholdDb: -30, hysteresisDb: 6, holdMs: 300 } }, 0);
    // A 0.01 amplitude tone is about −43 dBFS RMS.
    const { outs, reports } = run(core, 40, tone(0.01));
    expect(reports.every((r) => !r.open)).toBe(true);
    expect(outs.every((o) => peak(o) === 0)).toBe(true);
  });

  it('push-to-talk: open while held whatever the level, then for the release delay', () => {
    const core = new GateCore(RATE);
    core.setMode({ kind: 'ptt', held: false, releaseMs: 200 }, 0);
    expect(run(core, 10, tone(0.5)).reports.every((r) => !r.open)).toBe(true);
    core.setMode({ kind: 'ptt', held: true, releaseMs: 200 }, 10 * QUANTUM_MS);
    const held = run(core, 10, silence, 10 * QUANTUM_MS);
    expect(held.reports[0]).toMatchObject({ open: true });
    const releaseAt = 20 * QUANTUM_MS;
    core.setMode({ kind: 'ptt', held: false, releaseMs: 200 }, releaseAt);
    const after = run(core, Math.ceil(260 / QUANTUM_MS), tone(0.5), releaseAt);
    const closedAt = after.reports.find((r) => !r.open)?.atMs;
    expect(closedAt! - releaseAt).toBeGreaterThanOrEqual(200);
    expect(closedAt! - releaseAt).toBeLessThan(200 + QUANTUM_MS);
  });

  it('fills every output channel from a mono input', () => {
    const core = new GateCore(RATE);
    core.setMode({ kind: 'ptt', held: true, releaseMs: 0 }, 0);
    const input = new Float32Array(QUANTUM).fill(0.5);
    const left = new Float32Array(QUANTUM);
    const right = new Float32Array(QUANTUM);
    for (let q = 0; q < 8; q++) core.process([input], [left, right], q * QUANTUM_MS);
    expect(peak(left)).toBeGreaterThan(0.49);
    expect(Array.from(right)).toEqual(Array.from(left));
  });
});
