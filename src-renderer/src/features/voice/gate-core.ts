import { createVadGate, type VadGateOptions } from './vad-gate';

export type GateMode = { kind: 'vad'; vad: VadGateOptions } | { kind: 'ptt'; held: boolean; releaseMs: number };

/** The name gate.worklet.ts registers its processor under. */
export const GATE_PROCESSOR = 'parley-gate';

/** What the gate tells the page: whether it is open and the input level (dBFS) it last measured. */
export interface GateReport {
  open: boolean;
  levelDb: number;
}

/** Samples the level is measured over (21 ms at 48 kHz): long enough to be steady, short enough to react fast. */
export const LEVEL_WINDOW = 1024;
/** Time constants of the gain ramp: a fast attack keeps the first syllable, a slower release avoids a click. */
const ATTACK_MS = 5;
const RELEASE_MS = 30;
/** How often the level is reported while the gate's state does not change (the settings meter). */
const REPORT_EVERY_MS = 100;
/** Below this the ramp is treated as closed (exactly zero out, so a closed gate sends digital silence and DTX). */
const SILENT_GAIN = 1e-4;

/**
 * The microphone gate's signal processing, one render quantum at a time: measure the level over the last
 * LEVEL_WINDOW samples, decide (voice activity with hysteresis and hold, or push-to-talk with its release delay) and
 * apply the gain with a short ramp. It runs inside the audio thread (gate.worklet.ts), so the decision is taken on
 * every quantum (128 samples, 2.7 ms at 48 kHz) with the audio clock, never waiting on a page timer that a busy main
 * thread delays. Plain code without Web Audio types, so unit tests drive it directly.
 */
export class GateCore {
  private readonly vad = createVadGate();
  private mode: GateMode = { kind: 'vad', vad: { thresholdDb: -50, hysteresisDb: 6, holdMs: 300 } };
  private pttReleaseAt = 0;
  private readonly ring = new Float32Array(LEVEL_WINDOW);
  private ringAt = 0;
  private sumSquares = 0;
  private gain = 0;
  private open = false;
  private lastReportAt = Number.NEGATIVE_INFINITY;
  private levelDb = -100;

  constructor(private readonly sampleRate: number) {}

  /** The level (dBFS) measured over the last LEVEL_WINDOW samples. */
  get level(): number {
    return this.levelDb;
  }

  /** A new mode from the page; `nowMs` is the audio clock (a push-to-talk release starts its delay from it). */
  setMode(mode: GateMode, nowMs: number): void {
    if (mode.kind === 'vad') this.vad.configure(mode.vad);
    if (this.mode.kind === 'ptt' && this.mode.held && mode.kind === 'ptt' && !mode.held) this.pttReleaseAt = nowMs + mode.releaseMs;
    this.mode = mode;
  }

  /**
   * Gates one quantum: `input` channels (absent while the source gives nothing) into `output` channels of the same
   * length. Returns a report when the gate opened or closed, or when one is due for the meter; null otherwise.
   */
  process(input: readonly Float32Array[], output: readonly Float32Array[], nowMs: number): GateReport | null {
    const frames = output[0]?.length ?? input[0]?.length ?? 0;
    const first = input[0];
    for (let i = 0; i < frames; i++) {
      const v = first?.[i] ?? 0;
      const old = this.ring[this.ringAt] ?? 0;
      this.sumSquares += v * v - old * old;
      this.ring[this.ringAt] = v;
      this.ringAt = (this.ringAt + 1) % LEVEL_WINDOW;
    }
    // Floating-point drift of the running sum can leave it slightly negative after loud input.
    if (this.sumSquares < 0) this.sumSquares = 0;
    const rms = Math.sqrt(this.sumSquares / LEVEL_WINDOW);
    this.levelDb = rms > 0 ? Math.max(-100, 20 * Math.log10(rms)) : -100;
    const open = this.mode.kind === 'ptt' ? this.mode.held || nowMs < this.pttReleaseAt : this.vad.update(this.levelDb, nowMs);

    const target = open ? 1 : 0;
    const tauSamples = ((open ? ATTACK_MS : RELEASE_MS) / 1000) * this.sampleRate;
    const step = 1 - Math.exp(-1 / tauSamples);
    let gain = this.gain;
    for (let i = 0; i < frames; i++) {
      gain += (target - gain) * step;
      if (!open && gain < SILENT_GAIN) gain = 0;
      for (let c = 0; c < output.length; c++) {
        const out = output[c];
        if (!out) continue;
        // A mono source fills every output channel.
        const src = input[c] ?? first;
        out[i] = (src?.[i] ?? 0) * gain;
      }
    }
    this.gain = gain;

    if (open !== this.open || nowMs - this.lastReportAt >= REPORT_EVERY_MS) {
      this.open = open;
      this.lastReportAt = nowMs;
      return { open, levelDb: this.levelDb };
    }
    return null;
  }
}
