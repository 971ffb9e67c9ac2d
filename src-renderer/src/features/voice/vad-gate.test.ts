import { describe, expect, it } from 'vitest';
import { createVadGate, dbToMeter, rmsDb } from './vad-gate';

describe('VAD gate', () => {
  const opts = { thresholdDb: -40, hysteresisDb: 6, holdMs: 300 };

  it('when the level reaches the threshold, then the gate opens immediately', () => {
    const g = createVadGate(opts);
    expect(g.update(-60, 0)).toBe(false);
    expect(g.update(-40, 20)).toBe(true);
  });

  it('when the level drops below threshold minus hysteresis, then the gate holds open for holdMs before closing', () => {
    const g = createVadGate(opts);
    g.update(-30, 0);
    expect(g.update(-70, 20)).toBe(true);
    expect(g.update(-70, 300)).toBe(true);
    expect(g.update(-70, 320)).toBe(false);
  });

  it('when the level hovers inside the hysteresis band, then the gate stays open and does not chatter', () => {
    const g = createVadGate(opts);
    g.update(-30, 0);
    for (let t = 20; t < 2000; t += 20) expect(g.update(t % 40 ? -44 : -42, t)).toBe(true);
  });

  it('when speech resumes during the hold, then the hold restarts', () => {
    const g = createVadGate(opts);
    g.update(-30, 0);
    g.update(-70, 20);
    g.update(-30, 250);
    expect(g.update(-70, 300)).toBe(true);
    expect(g.update(-70, 560)).toBe(true);
    expect(g.update(-70, 600)).toBe(false);
  });

  it('when the threshold is reconfigured, then the new value applies to the next frame', () => {
    const g = createVadGate(opts);
    g.configure({ thresholdDb: -80 });
    expect(g.update(-75, 0)).toBe(true);
  });

  it('computes RMS level in dBFS and maps it to the meter', () => {
    expect(rmsDb(new Float32Array(128))).toBe(-100);
    expect(rmsDb(new Float32Array(128).fill(1))).toBeCloseTo(0, 5);
    expect(rmsDb(new Float32Array(128).fill(0.1))).toBeCloseTo(-20, 3);
    expect(dbToMeter(-50)).toBeCloseTo(0.5);
  });
});
