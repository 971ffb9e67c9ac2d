import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFakeRooms } from '../modules/voice/voice.fakes';
import { createVoiceReconciler } from './reconciler';

const log = pino({ level: 'silent' });

function target() {
  const passes = { count: 0 };
  return {
    passes,
    target: {
      listActiveRooms: async () => {
        passes.count++;
        return [];
      },
      listActiveInRoom: async () => [],
      observeSession: async () => false,
      observeSessionEnd: async () => false,
    },
  };
}

describe('voice reconciler timer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('when started, then it reconciles at once and then every interval until stopped', async () => {
    vi.useFakeTimers();
    const t = target();
    const reconciler = createVoiceReconciler({ target: t.target, rooms: createFakeRooms(), intervalMs: 1_000, log });
    reconciler.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(t.passes.count).toBe(1);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(t.passes.count).toBe(4);
    await reconciler.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(t.passes.count).toBe(4);
  });

  it('when the interval is 0, then it reconciles only once (at boot)', async () => {
    vi.useFakeTimers();
    const t = target();
    const reconciler = createVoiceReconciler({ target: t.target, rooms: createFakeRooms(), intervalMs: 0, log });
    reconciler.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(t.passes.count).toBe(1);
    await reconciler.stop();
  });

  it('when a pass fails, then the timer keeps running and the next pass retries', async () => {
    vi.useFakeTimers();
    const t = target();
    const rooms = createFakeRooms();
    let fail = true;
    rooms.listRooms = async () => {
      if (fail) throw new Error('LiveKit down');
      return [];
    };
    const reconciler = createVoiceReconciler({ target: t.target, rooms, intervalMs: 1_000, log });
    reconciler.start();
    await vi.advanceTimersByTimeAsync(0);
    fail = false;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(t.passes.count).toBe(2);
    await expect(reconciler.reconcileOnce()).resolves.toEqual({ rooms: 0, removed: 0, added: 0, media: 0, evicted: 0, seatsFreed: 0 });
    await reconciler.stop();
  });
});
