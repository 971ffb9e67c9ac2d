import { describe, expect, it } from 'vitest';
import { createIdleTracker, type Activity } from './idle-tracker';

function setup() {
  let t = 0;
  const pending: { at: number; fn: () => void; id: number }[] = [];
  let nextId = 0;
  const target = new EventTarget();
  const changes: Activity[] = [];
  const tracker = createIdleTracker({
    target,
    onChange: (a) => changes.push(a),
    idleAfterMs: 1000,
    now: () => t,
    timers: {
      set: (fn, ms) => {
        pending.push({ at: t + ms, fn, id: ++nextId });
        return nextId;
      },
      clear: (id) => {
        const i = pending.findIndex((p) => p.id === id);
        if (i >= 0) pending.splice(i, 1);
      },
    },
  });
  const advance = (ms: number) => {
    const end = t + ms;
    for (;;) {
      pending.sort((a, b) => a.at - b.at);
      const next = pending[0];
      if (!next || next.at > end) break;
      pending.shift();
      t = next.at;
      next.fn();
    }
    t = end;
  };
  const input = (type = 'keydown') => target.dispatchEvent(new Event(type));
  return { tracker, changes, advance, input };
}

describe('idle tracker', () => {
  it('when there is no input for the idle time, then the session turns idle, and the next input makes it online again', () => {
    const { tracker, changes, advance, input } = setup();
    advance(999);
    expect(changes).toEqual([]);
    advance(1);
    expect(changes).toEqual(['idle']);
    expect(tracker.activity).toBe('idle');
    input('pointermove');
    expect(changes).toEqual(['idle', 'online']);
    advance(1000);
    expect(changes).toEqual(['idle', 'online', 'idle']);
  });

  it('when input keeps coming, then the session never turns idle; once stopped, it reports nothing', () => {
    const { tracker, changes, advance, input } = setup();
    for (let i = 0; i < 10; i++) {
      advance(600);
      input();
    }
    expect(changes).toEqual([]);
    tracker.stop();
    advance(5000);
    expect(changes).toEqual([]);
  });
});
