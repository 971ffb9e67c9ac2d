import { describe, expect, it } from 'vitest';
import type { ToneContext } from '../voice/sound-cues';
import { createRingtone, RING_PERIOD_MS } from './ringtone';

function fakeContext() {
  const started: number[] = [];
  const log: string[] = [];
  const ctx: ToneContext & { closed: boolean } = {
    currentTime: 0,
    destination: 'out',
    closed: false,
    createOscillator: () => ({
      type: 'sine',
      frequency: { value: 0 },
      connect: () => undefined,
      start: (t) => void started.push(t),
      stop: () => undefined,
    }),
    createGain: () => ({ gain: { setValueAtTime: () => undefined, linearRampToValueAtTime: () => undefined }, connect: () => undefined }),
    resume: async () => void log.push('resume'),
    close: async () => {
      ctx.closed = true;
      log.push('close');
    },
  };
  return { ctx, started, log };
}

function setup() {
  const contexts: ReturnType<typeof fakeContext>[] = [];
  let tick: (() => void) | null = null;
  const intervals: number[] = [];
  const ring = createRingtone({
    createContext: () => {
      const f = fakeContext();
      contexts.push(f);
      return f.ctx;
    },
    setInterval: (fn, ms) => {
      tick = fn;
      intervals.push(ms);
      return 1;
    },
    clearInterval: () => void (tick = null),
  });
  return { ring, contexts, intervals, tick: () => tick?.() };
}

describe('ringtone', () => {
  it('when started, then it chimes two notes at once and again every period; a second start does nothing', () => {
    const { ring, contexts, intervals, tick } = setup();
    ring.start();
    ring.start();
    expect(contexts).toHaveLength(1);
    expect(contexts[0]!.started).toHaveLength(2);
    expect(intervals).toEqual([RING_PERIOD_MS]);
    tick();
    expect(contexts[0]!.started).toHaveLength(4);
    expect(ring.playing).toBe(true);
  });

  it('when stopped, then the context closes at once (no note lingers) and the repeat ends; it can ring again', () => {
    const { ring, contexts, tick } = setup();
    ring.start();
    ring.stop();
    expect(contexts[0]!.ctx.closed).toBe(true);
    expect(ring.playing).toBe(false);
    tick();
    expect(contexts[0]!.started).toHaveLength(2);
    ring.start();
    expect(contexts).toHaveLength(2);
  });

  it('when there is no audio output, then starting is harmless', () => {
    const ring = createRingtone({ createContext: () => null });
    ring.start();
    expect(ring.playing).toBe(false);
    ring.stop();
  });
});
