/**
 * Voice sound cues, as Discord plays them: you connect or someone joins your channel or call (rising), someone leaves
 * (falling), you disconnect or are disconnected, mute / unmute, deafen / undeafen, push-to-talk pressed while nobody
 * can hear you (listening only: no microphone), and a recording starting. Short tones generated with WebAudio (no audio
 * asset to ship), played on the output device the calls use. `cuesBetween` decides from two snapshots of the voice
 * state; `createCuePlayer` plays.
 *
 * @example
 * const player = createCuePlayer({ sinkId: () => 'default' });
 * for (const cue of cuesBetween(before, after)) player.play(cue);
 */

export type Cue = 'join' | 'leave' | 'disconnect' | 'mute' | 'unmute' | 'deafen' | 'undeafen' | 'no-mic' | 'recording';

/** What the cues are decided from: the voice store's state reduced to what a cue depends on. */
export interface CueSnapshot {
  connection: 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'failed';
  /** Where the room is connected: a voice channel or call key; null when nowhere. */
  location: string | null;
  selfMute: boolean;
  selfDeaf: boolean;
  /** The identities in the room, ourselves included (empty until the room's participants are known). */
  participants: readonly string[];
  /** Our own identity in the room, once known. */
  self: string | null;
  /** The user asked to be elsewhere (left, or picked another channel): the room emptying on its way out is not people leaving. */
  leaving: boolean;
}

/**
 * The cues for going from `prev` to `next`. Connecting plays "join" once (the people already there do not each cue;
 * switching channels is connecting to the next); while connected, people arriving or going cue "join" / "leave" (once
 * per change, however many); leaving, or losing the connection, cues "disconnect". Nothing cues while reconnecting,
 * nor when the connection comes back (someone listed only after that cues as an arrival). Deafen outweighs the mute
 * change it brings.
 */
export function cuesBetween(prev: CueSnapshot, next: CueSnapshot): Cue[] {
  const cues: Cue[] = [];
  if (prev.selfDeaf !== next.selfDeaf) cues.push(next.selfDeaf ? 'deafen' : 'undeafen');
  else if (prev.selfMute !== next.selfMute) cues.push(next.selfMute ? 'mute' : 'unmute');

  const wasIn = prev.connection === 'connected' || prev.connection === 'reconnecting';
  if (wasIn && (next.connection === 'idle' || next.connection === 'failed')) cues.push('disconnect');
  if (next.connection === 'connected' && !wasIn) {
    cues.push('join');
    return cues;
  }
  if (prev.connection !== 'connected' || next.connection !== 'connected' || prev.location !== next.location || next.leaving) return cues;
  // The first listing that holds ourselves is the room as we found it, not arrivals.
  const self = next.self;
  if (self === null || !prev.participants.includes(self) || !next.participants.includes(self)) return cues;
  const before = new Set(prev.participants);
  const after = new Set(next.participants);
  if (next.participants.some((id) => !before.has(id))) cues.push('join');
  if (prev.participants.some((id) => !after.has(id))) cues.push('leave');
  return cues;
}

export interface Note {
  /** Hz */
  freq: number;
  /** Seconds after the cue starts. */
  at: number;
  /** Seconds. */
  dur: number;
}

const note = (freq: number, at: number, dur = 0.09): Note => ({ freq, at, dur });

/** Each cue's notes: rising for arriving and turning on, falling for going and turning off, lower for deafen. */
export const CUE_NOTES: Record<Cue, readonly Note[]> = {
  join: [note(523.25, 0), note(783.99, 0.08, 0.14)],
  leave: [note(783.99, 0), note(523.25, 0.08, 0.14)],
  disconnect: [note(659.25, 0), note(493.88, 0.08), note(329.63, 0.16, 0.16)],
  mute: [note(587.33, 0, 0.07), note(392, 0.06, 0.1)],
  unmute: [note(392, 0, 0.07), note(587.33, 0.06, 0.1)],
  deafen: [note(440, 0, 0.07), note(293.66, 0.06, 0.1), note(220, 0.12, 0.12)],
  undeafen: [note(220, 0, 0.07), note(293.66, 0.06, 0.1), note(440, 0.12, 0.12)],
  'no-mic': [note(220, 0, 0.08), note(220, 0.14, 0.08)],
  recording: [note(660, 0, 0.16), note(880, 0.18, 0.16)],
};

/** The slice of WebAudio a tone needs (so unit tests can fake it); the ringtone (features/calls) plays through it too. */
export interface ToneContext {
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

/** Plays sine notes from `start` (context time): each fades in over `attack` seconds to `volume` and out by its end. */
export function playNotes(c: ToneContext, notes: readonly Note[], opts: { start: number; volume: number; attack: number }): void {
  for (const n of notes) {
    const at = opts.start + n.at;
    const osc = c.createOscillator();
    const g = c.createGain();
    osc.type = 'sine';
    osc.frequency.value = n.freq;
    g.gain.setValueAtTime(0, at);
    g.gain.linearRampToValueAtTime(opts.volume, at + opts.attack);
    g.gain.linearRampToValueAtTime(0, at + n.dur);
    osc.connect(g);
    g.connect(c.destination);
    osc.start(at);
    osc.stop(at + n.dur + 0.02);
  }
}

export interface CueContext extends ToneContext {
  readonly state: string;
}

/**
 * An AudioContext on the speaker `sinkId` (AudioContextOptions.sinkId, Chromium 110+): opened on it rather than moved
 * there with setSinkId, so a cue never starts on the default speaker while the output switches. A speaker that is gone
 * gives the default one.
 */
function openContext(sinkId: string): CueContext | null {
  if (typeof AudioContext !== 'function') return null;
  if (sinkId === 'default') return new AudioContext() as unknown as CueContext;
  try {
    return new AudioContext({ sinkId } as AudioContextOptions) as unknown as CueContext;
  } catch {
    return new AudioContext() as unknown as CueContext;
  }
}

export interface CuePlayer {
  play(cue: Cue): void;
  /** Closes the audio context now (it also closes by itself when idle). */
  close(): void;
}

/** How long the context stays open after the last cue: a burst of cues shares it, and an idle app holds no audio output. */
export const CUE_IDLE_CLOSE_MS = 3000;

/**
 * The same cue again within this long is not played again: ten people arriving at once (a raid, a moved group, the
 * end of a match) sound one join, not a pile-up of ten.
 */
export const CUE_REPEAT_GAP_MS = 400;

export function createCuePlayer(deps: {
  /** The output device (settings' speaker, after fallback); 'default' for the system's. */
  sinkId: () => string;
  createContext?: (sinkId: string) => CueContext | null;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (h: unknown) => void;
  now?: () => number;
  volume?: number;
}): CuePlayer {
  const createContext = deps.createContext ?? openContext;
  const later = deps.setTimeout ?? ((fn, ms) => setTimeout(fn, ms));
  const cancel = deps.clearTimeout ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  const now = deps.now ?? (() => performance.now());
  const volume = deps.volume ?? 0.15;
  const lastPlayed = new Map<Cue, number>();
  let ctx: CueContext | null = null;
  let sink = 'default';
  let idle: unknown = null;

  function close(): void {
    if (idle !== null) cancel(idle);
    idle = null;
    const c = ctx;
    ctx = null;
    void c?.close().catch(() => undefined);
  }

  function context(): CueContext | null {
    const wanted = deps.sinkId();
    if (ctx && ctx.state !== 'closed' && sink === wanted) return ctx;
    close();
    try {
      ctx = createContext(wanted);
    } catch {
      ctx = null;
    }
    sink = wanted;
    return ctx;
  }

  return {
    play(cue) {
      const at = now();
      const last = lastPlayed.get(cue);
      if (last !== undefined && at - last < CUE_REPEAT_GAP_MS) return;
      lastPlayed.set(cue, at);
      const c = context();
      if (!c) return; // no audio output: what the cue stands for still shows
      // Chromium may create it suspended until a user gesture; a cue that cannot sound is only missed.
      void c.resume().catch(() => undefined);
      playNotes(c, CUE_NOTES[cue], { start: c.currentTime + 0.01, volume, attack: 0.01 });
      if (idle !== null) cancel(idle);
      idle = later(close, CUE_IDLE_CLOSE_MS);
    },
    close,
  };
}
