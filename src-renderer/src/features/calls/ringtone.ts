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
import { playNotes, type Note, type ToneContext } from '../voice/sound-cues';

export interface Ringtone {
  start(): void;
  stop(): void;
  readonly playing: boolean;
}

/** Two notes (E5, then A5), each with a short attack and a gentle release. */
const NOTE_S = 0.32;
const NOTES: readonly Note[] = [659.25, 880].map((freq, i) => ({ freq, at: i * (NOTE_S + 0.06), dur: NOTE_S }));
export const RING_PERIOD_MS = 2500;

export function createRingtone(
  deps: {
    createContext?: () => ToneContext | null;
    setInterval?: (fn: () => void, ms: number) => unknown;
    clearInterval?: (h: unknown) => void;
    volume?: number;
  } = {},
): Ringtone {
  const createContext =
    deps.createContext ?? (() => (typeof AudioContext === 'function' ? (new AudioContext() as unknown as ToneContext) : null));
  const every = deps.setInterval ?? ((fn, ms) => setInterval(fn, ms));
  const clear = deps.clearInterval ?? ((h) => clearInterval(h as ReturnType<typeof setInterval>));
  const volume = deps.volume ?? 0.18;
  let ctx: ToneContext | null = null;
  let timer: unknown = null;

  function chime(c: ToneContext): void {
    playNotes(c, NOTES, { start: c.currentTime + 0.02, volume, attack: 0.02 });
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
