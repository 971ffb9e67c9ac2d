/**
 * Voice-activity gate: decides, frame by frame, whether the microphone is "open".
 * Opens as soon as the level reaches the threshold; closes only after the level stayed below
 * (threshold − hysteresis) for `holdMs`, so trailing syllables and short pauses are not clipped
 * and a level hovering around the threshold does not make the gate chatter.
 */
export interface VadGateOptions {
  /** Open threshold in dBFS (−100 … 0). */
  thresholdDb: number;
  /** How far below the threshold the level must fall before the hold timer starts. */
  hysteresisDb: number;
  /** How long the level must stay low before the gate closes. */
  holdMs: number;
}

export const DEFAULT_VAD: VadGateOptions = { thresholdDb: -50, hysteresisDb: 6, holdMs: 300 };

export interface VadGate {
  /** Feeds one level measurement taken at `nowMs`; returns whether the gate is open after it. */
  update(levelDb: number, nowMs: number): boolean;
  readonly open: boolean;
  configure(options: Partial<VadGateOptions>): void;
}

export function createVadGate(initial: VadGateOptions = DEFAULT_VAD): VadGate {
  let opts = { ...initial };
  let open = false;
  let lowSince: number | null = null;
  return {
    get open() {
      return open;
    },
    configure(options) {
      opts = { ...opts, ...options };
    },
    update(levelDb, nowMs) {
      if (levelDb >= opts.thresholdDb) {
        open = true;
        lowSince = null;
        return open;
      }
      if (!open) return open;
      if (levelDb >= opts.thresholdDb - opts.hysteresisDb) {
        // Inside the hysteresis band: neither re-arm nor start closing.
        lowSince = null;
        return open;
      }
      if (lowSince === null) lowSince = nowMs;
      if (nowMs - lowSince >= opts.holdMs) {
        open = false;
        lowSince = null;
      }
      return open;
    },
  };
}

/** RMS of time-domain samples (−1 … 1) in dBFS, floored at −100. */
export function rmsDb(samples: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i] ?? 0;
    sum += v * v;
  }
  const rms = Math.sqrt(sum / Math.max(1, samples.length));
  if (rms <= 0) return -100;
  return Math.max(-100, 20 * Math.log10(rms));
}

/** Maps dBFS to a 0…1 meter position (−100 dB → 0, 0 dB → 1). */
export function dbToMeter(db: number): number {
  return Math.min(1, Math.max(0, (db + 100) / 100));
}
