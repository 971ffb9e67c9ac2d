import { describe, expect, it } from 'vitest';
import {
  createCuePlayer,
  CUE_IDLE_CLOSE_MS,
  CUE_NOTES,
  CUE_REPEAT_GAP_MS,
  cuesBetween,
  type CueContext,
  type CueSnapshot,
} from './sound-cues';

const idle: CueSnapshot = {
  connection: 'idle',
  location: null,
  selfMute: false,
  selfDeaf: false,
  participants: [],
  self: null,
  leaving: false,
};
const inRoom = (participants: string[], extra: Partial<CueSnapshot> = {}): CueSnapshot => ({
  ...idle,
  connection: 'connected',
  location: 'ch1',
  participants,
  self: participants.includes('me') ? 'me' : null,
  ...extra,
});

/** Runs a sequence of snapshots through cuesBetween, as the store's changes arrive one by one. */
function cuesOf(...states: CueSnapshot[]) {
  return states.slice(1).flatMap((s, i) => cuesBetween(states[i]!, s));
}

describe('cuesBetween', () => {
  it('when I connect to a room with people in it, then one join cue sounds, not one per person already there', () => {
    const connecting = { ...idle, connection: 'connecting' as const, location: 'ch1' };
    expect(cuesOf(idle, connecting, inRoom([]), inRoom(['me', 'ann', 'bob']))).toEqual(['join']);
  });

  it('when the room already listed people while connecting, then connecting still cues once', () => {
    const connecting = { ...inRoom(['me', 'ann']), connection: 'connecting' as const };
    expect(cuesOf(idle, connecting, inRoom(['me', 'ann']))).toEqual(['join']);
  });

  it('when someone joins and then someone leaves my room, then join and leave cue; two arriving at once cue once', () => {
    expect(cuesOf(inRoom(['me']), inRoom(['me', 'ann']), inRoom(['me', 'ann', 'bob', 'cy']), inRoom(['me', 'bob', 'cy']))).toEqual([
      'join',
      'join',
      'leave',
    ]);
  });

  it('when a speaking or mute change re-lists the same people, then nothing cues', () => {
    expect(cuesOf(inRoom(['me', 'ann']), inRoom(['me', 'ann']), inRoom(['ann', 'me']))).toEqual([]);
  });

  it('when I leave, then disconnect cues once (the room emptying on the way out is not people leaving); when the connection is lost, too', () => {
    const asked = (p: string[]) => inRoom(p, { leaving: true });
    const gone = { ...inRoom([]), location: null, leaving: true };
    expect(
      cuesOf(inRoom(['me', 'ann']), asked(['me', 'ann']), asked(['me']), gone, { ...gone, connection: 'idle', leaving: false }),
    ).toEqual(['disconnect']);
    expect(cuesOf(inRoom(['me', 'ann']), { ...inRoom([]), connection: 'failed' })).toEqual(['disconnect']);
  });

  it('when I switch channels, then only the join of the next one cues, and its people are not arrivals', () => {
    const asked = inRoom(['me', 'ann'], { leaving: true });
    const emptied = inRoom(['me'], { leaving: true });
    const between = { ...inRoom([]), location: null, leaving: true };
    const connecting = { ...idle, connection: 'connecting' as const, location: 'ch2' };
    const there = (p: string[]) => ({ ...inRoom(p), location: 'ch2' });
    expect(cuesOf(inRoom(['me', 'ann']), asked, emptied, between, connecting, there([]), there(['me', 'zed']))).toEqual(['join']);
  });

  it('when the connection drops and comes back, then nothing cues for it; someone listed only once it is back is an arrival', () => {
    const reconnecting = (p: string[]) => ({ ...inRoom(p), connection: 'reconnecting' as const });
    expect(cuesOf(inRoom(['me', 'ann']), reconnecting(['me', 'ann']), reconnecting(['me']), inRoom(['me']), inRoom(['me', 'ann']))).toEqual(
      ['join'],
    );
    expect(cuesOf(inRoom(['me', 'ann']), reconnecting(['me', 'ann']), inRoom(['me', 'ann']))).toEqual([]);
  });

  it('when I mute, unmute, deafen and undeafen, then each cues; deafen outweighs the mute it brings', () => {
    const s = (selfMute: boolean, selfDeaf: boolean) => ({ ...idle, selfMute, selfDeaf });
    expect(cuesOf(s(false, false), s(true, false), s(false, false), s(true, true), s(false, false))).toEqual([
      'mute',
      'unmute',
      'deafen',
      'undeafen',
    ]);
  });
});

function fakeContext() {
  const started: { at: number; freq: number }[] = [];
  const ctx: CueContext & { closed: boolean } = {
    currentTime: 10,
    destination: 'out',
    state: 'running',
    closed: false,
    createOscillator() {
      const osc = {
        type: '',
        frequency: { value: 0 },
        connect: () => undefined,
        start: (at: number) => void started.push({ at, freq: osc.frequency.value }),
        stop: () => undefined,
      };
      return osc;
    },
    createGain: () => ({ gain: { setValueAtTime: () => undefined, linearRampToValueAtTime: () => undefined }, connect: () => undefined }),
    resume: async () => undefined,
    close: async () => {
      ctx.closed = true;
      (ctx as { state: string }).state = 'closed';
    },
  };
  return { ctx, started };
}

function setup(sink = { id: 'default' }, clock = { now: 0 }) {
  const contexts: (ReturnType<typeof fakeContext> & { sinkId: string })[] = [];
  let timer: (() => void) | null = null;
  const delays: number[] = [];
  const player = createCuePlayer({
    sinkId: () => sink.id,
    createContext: (sinkId) => {
      const f = fakeContext();
      contexts.push({ ...f, sinkId });
      return f.ctx;
    },
    setTimeout: (fn, ms) => {
      timer = fn;
      delays.push(ms);
      return 1;
    },
    clearTimeout: () => void (timer = null),
    now: () => clock.now,
  });
  return { player, contexts, delays, fire: () => timer?.() };
}

describe('createCuePlayer', () => {
  it('when a cue plays, then its notes start in order at their frequencies; cues in a burst share one context', () => {
    const { player, contexts } = setup();
    player.play('join');
    player.play('leave');
    expect(contexts).toHaveLength(1);
    const join = CUE_NOTES.join.map((n) => n.freq);
    const leave = CUE_NOTES.leave.map((n) => n.freq);
    expect(contexts[0]!.started.map((s) => s.freq)).toEqual([...join, ...leave]);
    expect(join[1]).toBeGreaterThan(join[0]!); // rising
    expect(leave[1]).toBeLessThan(leave[0]!); // falling
  });

  it('when the same cue comes again at once (many people arriving together), then it sounds once; later, again', () => {
    const clock = { now: 1000 };
    const { player, contexts } = setup({ id: 'default' }, clock);
    const notes = CUE_NOTES.join.length;
    for (let i = 0; i < 10; i++) player.play('join');
    expect(contexts[0]!.started).toHaveLength(notes);
    player.play('leave');
    expect(contexts[0]!.started).toHaveLength(notes + CUE_NOTES.leave.length);
    clock.now += CUE_REPEAT_GAP_MS;
    player.play('join');
    expect(contexts[0]!.started).toHaveLength(2 * notes + CUE_NOTES.leave.length);
  });

  it('when idle after a cue, then the context closes, and the next cue opens a new one', () => {
    const { player, contexts, delays, fire } = setup();
    player.play('mute');
    expect(delays).toEqual([CUE_IDLE_CLOSE_MS]);
    fire();
    expect(contexts[0]!.ctx.closed).toBe(true);
    player.play('unmute');
    expect(contexts).toHaveLength(2);
  });

  it('when a speaker is chosen, then the context opens on it; choosing another opens one on that', () => {
    const sink = { id: 'headset-1' };
    const { player, contexts } = setup(sink);
    player.play('join');
    expect(contexts.map((c) => c.sinkId)).toEqual(['headset-1']);
    sink.id = 'default';
    player.play('leave');
    expect(contexts[0]!.ctx.closed).toBe(true);
    expect(contexts.map((c) => c.sinkId)).toEqual(['headset-1', 'default']);
  });

  it('when there is no audio output, then playing does nothing and does not throw', () => {
    const player = createCuePlayer({
      sinkId: () => 'default',
      createContext: () => {
        throw new Error('no audio');
      },
    });
    expect(() => player.play('disconnect')).not.toThrow();
  });
});
