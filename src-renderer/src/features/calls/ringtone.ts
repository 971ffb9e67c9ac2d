/**
 * The ringtone, generated with WebAudio (no audio asset to ship or load): a soft two-note chime every 2.5 s, as long as
 * a call rings. `stop()` silences it at once (the context is closed, cutting any note in flight), and a stopped
 * ringtone can start again. Created lazily, so no AudioContext exists until something rings.
 *
 * @example
 * const ring = createRingtone();
 * ring.start();   // a call rings
 * ring.stop();    // answered, declined, missed, cancelled
 */

/** The slice of WebAudio the ringtone uses (so a unit test can fake it). */
export interface RingtoneContext {
  readonly currentTime: number;
  readonly destination: unknown;
  createOscillator(): {
    type: string;
    frequency: { value: number };
    connect(node: unknown): unknown;
    start(when: number): void;
    stop(when: number): void;
  };
  createGain(): {
    gain: { setValueAtTime(v: number, t: number): unknown; linearRampToValueAtTime(v: number, t: number): unknown };
    connect(node: unknown): unknown;
  };
  resume(): Promise<void>;
  close(): Promise<void>;
}

export interface Ringtone {
  start(): void;
  stop(): void;
  readonly playing: boolean;
}

/** Two notes (E5, then A5), each with a short attack and a gentle release. */
const NOTES = [659.25, 880];
const NOTE_S = 0.32;
export const RING_PERIOD_MS = 2500;

export function createRingtone(
  deps: {
    createContext?: () => RingtoneContext | null;
    setInterval?: (fn: () => void, ms: number) => unknown;
    clearInterval?: (h: unknown) => void;
    volume?: number;
  } = {},
): Ringtone {
  const createContext =
    deps.createContext ?? (() => (typeof AudioContext === 'function' ? (new AudioContext() as unknown as RingtoneContext) : null));
  const every = deps.setInterval ?? ((fn, ms) => setInterval(fn, ms));
  const clear = deps.clearInterval ?? ((h) => clearInterval(h as ReturnType<typeof setInterval>));
  const volume = deps.volume ?? 0.18;
  let ctx: RingtoneContext | null = null;
  let timer: unknown = null;

  function chime(c: RingtoneContext): void {
    const t0 = c.currentTime + 0.02;
    NOTES.forEach((freq, i) => {
      const at = t0 + i * (NOTE_S + 0.06);
      const osc = c.createOscillator();
      const g = c.createGain();
      osc.type = 'sine';
      osc.frequency.value = freq;
      g.gain.setValueAtTime(0, at);
      g.gain.linearRampToValueAtTime(volume, at + 0.02);
      g.gain.linearRampToValueAtTime(0, at + NOTE_S);
      osc.connect(g);
      g.connect(c.destination);
      osc.start(at);
      osc.stop(at + NOTE_S + 0.02);
    });
  }

  return {
    start() {
      if (ctx) return;
      try {
        ctx = createContext();
      } catch {
        ctx = null;
      }
      if (!ctx) return; // no audio output: the window still shows
      const c = ctx;
      // Chromium may create it suspended until a user gesture; a ring without sound still shows its window.
      void c.resume().catch(() => undefined);
      chime(c);
      timer = every(() => chime(c), RING_PERIOD_MS);
    },
    stop() {
      if (timer !== null) clear(timer);
      timer = null;
      const c = ctx;
      ctx = null;
      void c?.close().catch(() => undefined);
    },
    get playing() {
      return ctx !== null;
    },
  };
}
