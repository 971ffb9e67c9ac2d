import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PttState } from '@shared/ipc/contract';
import { systemClock } from '../clock';
import type { PttMachineConfig } from './ptt-machine';
import { createPttMachine } from './ptt-machine';

function setup(config: Partial<PttMachineConfig> = {}) {
  const changes: PttState[] = [];
  const machine = createPttMachine({
    clock: systemClock,
    config: { mode: 'hold', releaseDelayMs: 200, maxHoldMs: 10_000, ...config },
    onChange: (s) => changes.push(s),
  });
  const seen = () => changes.map((c) => `${c.transmitting ? 'on' : 'off'}:${c.reason}`);
  return { machine, changes, seen };
}

describe('push-to-talk state machine', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('when the key goes down, then transmission starts at once', () => {
    const { machine, seen } = setup();
    machine.down('hook');
    expect(machine.transmitting).toBe(true);
    expect(seen()).toEqual(['on:press']);
  });

  it('when the key goes up, then transmission stops exactly after the release delay, not before', () => {
    const { machine, seen } = setup({ releaseDelayMs: 200 });
    machine.down('hook');
    machine.up('hook');
    vi.advanceTimersByTime(199);
    expect(machine.transmitting).toBe(true);
    vi.advanceTimersByTime(1);
    expect(machine.transmitting).toBe(false);
    expect(seen()).toEqual(['on:press', 'off:release']);
  });

  it('when the release delay is 0, then the key-up stops transmission synchronously', () => {
    const { machine, seen } = setup({ releaseDelayMs: 0 });
    machine.down('hook');
    machine.up('hook');
    expect(seen()).toEqual(['on:press', 'off:release']);
  });

  it('when the key is pressed again within the release delay, then transmission never drops', () => {
    const { machine, seen } = setup({ releaseDelayMs: 500 });
    machine.down('hook');
    machine.up('hook');
    vi.advanceTimersByTime(300);
    machine.down('hook');
    vi.advanceTimersByTime(1000);
    expect(seen()).toEqual(['on:press']);
    machine.up('hook');
    vi.advanceTimersByTime(500);
    expect(seen()).toEqual(['on:press', 'off:release']);
  });

  it('when the delay is configured outside 0–2000 ms, then it is clamped to the range', () => {
    const { machine } = setup({ releaseDelayMs: 99_999 });
    machine.down('hook');
    machine.up('hook');
    vi.advanceTimersByTime(1999);
    expect(machine.transmitting).toBe(true);
    vi.advanceTimersByTime(1);
    expect(machine.transmitting).toBe(false);
  });

  it('when the key is held past the maximum hold, then transmission stops and stays off until the key is released and pressed again', () => {
    const { machine, seen } = setup({ maxHoldMs: 5000 });
    machine.down('hook');
    vi.advanceTimersByTime(5000);
    expect(seen()).toEqual(['on:press', 'off:max-hold']);
    machine.down('hook'); // auto-repeat of the still-held key
    expect(machine.transmitting).toBe(false);
    machine.up('hook');
    vi.advanceTimersByTime(1000);
    machine.down('hook');
    expect(seen()).toEqual(['on:press', 'off:max-hold', 'on:press']);
  });

  it.each(['lock-screen', 'suspend', 'hook-failure'] as const)(
    'when %s happens while transmitting, then transmission stops at once',
    (reason) => {
      const { machine, changes } = setup();
      machine.down('hook');
      machine.forceRelease(reason);
      expect(machine.transmitting).toBe(false);
      expect(changes.at(-1)).toMatchObject({ transmitting: false, reason, source: 'system' });
    },
  );

  it('when released by the system while nothing is held anymore, then the next press transmits normally', () => {
    const { machine } = setup();
    machine.down('hook');
    machine.forceRelease('hook-failure', false);
    machine.down('hook');
    expect(machine.transmitting).toBe(true);
  });

  it('when forced to release during the release delay, then no second "off" is emitted and the next press works', () => {
    const { machine, seen } = setup({ releaseDelayMs: 300 });
    machine.down('hook');
    machine.up('hook');
    machine.forceRelease('suspend');
    vi.advanceTimersByTime(1000);
    expect(seen()).toEqual(['on:press', 'off:suspend']);
    machine.down('hook');
    expect(machine.transmitting).toBe(true);
  });

  describe('toggle mode', () => {
    it('when the key is pressed, then each press flips transmission and releases are ignored', () => {
      const { machine, seen } = setup({ mode: 'toggle' });
      machine.down('hook');
      machine.up('hook');
      vi.advanceTimersByTime(5000);
      expect(machine.transmitting).toBe(true);
      machine.down('hook');
      machine.up('hook');
      expect(seen()).toEqual(['on:toggle', 'off:toggle']);
    });

    it('when toggled on and forgotten, then the maximum hold turns it off', () => {
      const { machine, seen } = setup({ mode: 'toggle', maxHoldMs: 60_000 });
      machine.down('hook');
      vi.advanceTimersByTime(60_000);
      expect(seen()).toEqual(['on:toggle', 'off:max-hold']);
      machine.down('hook');
      expect(machine.transmitting).toBe(true);
    });
  });

  it('when the mode changes while transmitting, then transmission stops', () => {
    const { machine, changes } = setup();
    machine.down('hook');
    machine.configure({ mode: 'toggle', releaseDelayMs: 0, maxHoldMs: 10_000 });
    expect(machine.transmitting).toBe(false);
    expect(changes.at(-1)?.reason).toBe('disabled');
  });

  it('when the command line toggles, then it works in hold mode too', () => {
    const { machine, changes } = setup();
    machine.toggle('cli');
    expect(changes.at(-1)).toMatchObject({ transmitting: true, source: 'cli', reason: 'toggle' });
    machine.toggle('cli');
    expect(machine.transmitting).toBe(false);
  });
});
