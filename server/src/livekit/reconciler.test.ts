import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { voiceRoomName } from '@shared/api/voice';
import { createFakeRooms } from '../modules/voice/voice.fakes';
import { createVoiceReconciler } from './reconciler';
import type { LiveParticipant } from './room-service';

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
    await expect(reconciler.reconcileOnce()).resolves.toEqual({
      rooms: 0,
      removed: 0,
      added: 0,
      media: 0,
      evicted: 0,
      rights: 0,
      seatsFreed: 0,
    });
    await reconciler.stop();
  });
});

describe('voice access enforcement', () => {
  const ROOM_A = voiceRoomName('6a00000000000000000000aa');
  const ROOM_B = voiceRoomName('6a00000000000000000000bb');
  const participant = (identity: string): LiveParticipant => ({
    sid: `PA_${identity}`,
    identity,
    joinedAtMs: 1_000,
    tracks: [],
    permission: { canPublish: true, canSubscribe: true, canPublishSources: ['microphone'] },
  });

  function setup() {
    const rooms = createFakeRooms();
    /** Identities whose rights the target brings up to date (syncRights answers true for them). */
    const stale = new Set<string>();
    const synced: string[] = [];
    const evicted: string[] = [];
    const banned = new Set<string>();
    const failing = new Set<string>();
    const listings: string[] = [];
    const hooks = { onSync: (_identity: string) => undefined as void };
    const reconciler = createVoiceReconciler({
      rooms,
      intervalMs: 0,
      log,
      target: {
        listActiveRooms: async () => {
          listings.push('all');
          return [ROOM_A, ROOM_B];
        },
        listActiveRoomsInGuild: async (guildId: string) => {
          listings.push(guildId);
          return guildId === 'guild-a' ? [ROOM_A] : [ROOM_B];
        },
        activeRoomOf: async (userId: string, guildId: string) => {
          listings.push(`${guildId}/${userId}`);
          return guildId === 'guild-a' && userId !== 'nobody' ? ROOM_A : null;
        },
        listActiveInRoom: async () => [],
        observeSession: async () => false,
        observeSessionEnd: async () => false,
        mayStay: async (identity: string) => !banned.has(identity),
        evict: async (input: { identity: string }) => {
          evicted.push(input.identity);
        },
        syncRights: async (input: { identity: string; granted: LiveParticipant['permission'] }) => {
          hooks.onSync(input.identity);
          if (failing.has(input.identity)) throw new Error('LiveKit down');
          synced.push(input.identity);
          expect(input.granted).toEqual(participant(input.identity).permission);
          return stale.delete(input.identity);
        },
      },
    });
    return { rooms, stale, synced, evicted, banned, failing, listings, hooks, reconciler };
  }

  it("when asked for all rooms, then everyone listed is checked with LiveKit's grant, and only those brought up to date count", async () => {
    const t = setup();
    t.rooms.participants.set(ROOM_A, [participant('alice'), participant('bob')]);
    t.rooms.participants.set(ROOM_B, [participant('carol')]);
    t.stale.add('alice');
    expect(await t.reconciler.enforceAccess()).toEqual({ evicted: 0, rights: 1 });
    expect(t.synced).toEqual(['alice', 'bob', 'carol']);
    expect(await t.reconciler.enforceAccess()).toEqual({ evicted: 0, rights: 0 });
  });

  it('when a member may no longer be in the room, then they are evicted rather than given new rights', async () => {
    const t = setup();
    t.rooms.participants.set(ROOM_A, [participant('alice')]);
    t.stale.add('alice');
    t.banned.add('alice');
    expect(await t.reconciler.enforceAccess()).toEqual({ evicted: 1, rights: 0 });
    expect(t.evicted).toEqual(['alice']);
    expect(t.synced).toEqual([]);
  });

  it("when asked for one guild, then only that guild's rooms are checked; for one member, only their session", async () => {
    const t = setup();
    t.rooms.participants.set(ROOM_A, [participant('alice'), participant('bob')]);
    t.rooms.participants.set(ROOM_B, [participant('carol')]);
    await t.reconciler.enforceAccess('guild-a');
    expect(t.synced).toEqual(['alice', 'bob']);
    expect(t.listings).toEqual(['guild-a']);
    t.synced.length = 0;
    await t.reconciler.enforceAccess('guild-a', 'bob');
    await t.reconciler.enforceAccess('guild-a', 'nobody');
    expect(t.synced).toEqual(['bob']);
  });

  it('when checking one participant fails, then the rest of the pass goes on', async () => {
    const t = setup();
    t.rooms.participants.set(ROOM_A, [participant('alice'), participant('bob')]);
    t.failing.add('alice');
    t.stale.add('bob');
    expect(await t.reconciler.enforceAccess('guild-a')).toEqual({ evicted: 0, rights: 1 });
    expect(t.synced).toEqual(['bob']);
    // The reconciler's own pass too: the failing participant is kept, not dropped or evicted.
    t.stale.add('bob');
    expect(await t.reconciler.reconcileOnce()).toEqual(expect.objectContaining({ rights: 1, evicted: 0 }));
  });

  it('when many passes are asked for while one runs, then they make one more pass covering everything asked for', async () => {
    const t = setup();
    t.rooms.participants.set(ROOM_A, [participant('alice')]);
    t.rooms.participants.set(ROOM_B, [participant('carol')]);
    const more: Promise<unknown>[] = [];
    t.hooks.onSync = () => {
      if (more.length === 0)
        more.push(
          t.reconciler.enforceAccess('guild-a', 'alice'),
          t.reconciler.enforceAccess('guild-b'),
          t.reconciler.enforceAccess('guild-a', 'x'),
        );
    };
    await t.reconciler.enforceAccess('guild-a');
    await Promise.all(more);
    expect(t.listings).toEqual(['guild-a', 'guild-a/alice', 'guild-a/x', 'guild-b']);
    expect(t.synced).toEqual(['alice', 'alice', 'carol']);
  });

  it('when the reconciler pass lists a member whose rights changed, then it brings them up to date too and counts it', async () => {
    const t = setup();
    t.rooms.participants.set(ROOM_A, [participant('alice')]);
    t.stale.add('alice');
    expect(await t.reconciler.reconcileOnce()).toEqual(expect.objectContaining({ rights: 1, evicted: 0 }));
  });

  it('when stopped, then no further pass runs, not even one already waiting', async () => {
    const t = setup();
    t.rooms.participants.set(ROOM_A, [participant('alice')]);
    let waiting: Promise<unknown> | null = null;
    let stopping: Promise<void> | null = null;
    t.hooks.onSync = () => {
      if (waiting) return;
      waiting = t.reconciler.enforceAccess('guild-b');
      stopping = t.reconciler.stop();
    };
    await t.reconciler.enforceAccess('guild-a');
    expect(await waiting).toEqual({ evicted: 0, rights: 0 });
    await stopping;
    expect(t.listings).toEqual(['guild-a']);
    expect(await t.reconciler.enforceAccess()).toEqual({ evicted: 0, rights: 0 });
  });
});
