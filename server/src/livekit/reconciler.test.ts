import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { voiceRoomName } from '@shared/api/voice';
import { createFakeRooms } from '../modules/voice/voice.fakes';
import { createVoiceReconciler } from './reconciler';
import { trackSourceName, type LiveParticipant } from './room-service';
import { voiceParticipantPermission, type VoiceMediaRights } from './tokens';

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
  const SPEAKER: VoiceMediaRights = { microphone: true, camera: false, screenShare: false, canSubscribe: true };
  const LISTENER: VoiceMediaRights = { ...SPEAKER, microphone: false };
  const granted = (rights: VoiceMediaRights): LiveParticipant['permission'] => {
    const p = voiceParticipantPermission(rights);
    return { canPublish: p.canPublish, canSubscribe: p.canSubscribe, canPublishSources: p.canPublishSources.map(trackSourceName) };
  };
  const participant = (identity: string, rights: VoiceMediaRights | null): LiveParticipant => ({
    sid: `PA_${identity}`,
    identity,
    joinedAtMs: 1_000,
    tracks: [],
    permission: rights ? granted(rights) : null,
  });

  function setup() {
    const rooms = createFakeRooms();
    /** identity → the rights they have now; absent: not ours to judge. */
    const now = new Map<string, VoiceMediaRights>();
    const evicted: string[] = [];
    const banned = new Set<string>();
    const listings: string[] = [];
    const hooks = { onRightsRead: (_identity: string) => undefined as void };
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
        listActiveInRoom: async () => [],
        observeSession: async () => false,
        observeSessionEnd: async () => false,
        mayStay: async (identity: string) => !banned.has(identity),
        evict: async (input: { identity: string }) => {
          evicted.push(input.identity);
        },
        rightsNow: async (identity: string) => {
          hooks.onRightsRead(identity);
          return now.get(identity) ?? null;
        },
      },
    });
    return { rooms, now, evicted, banned, listings, hooks, reconciler };
  }

  it('when a member lost SPEAK while connected, then LiveKit takes the microphone; members whose rights did not change are left alone', async () => {
    const t = setup();
    t.rooms.participants.set(ROOM_A, [participant('alice', SPEAKER), participant('bob', SPEAKER), participant('EG_rec', null)]);
    t.now.set('alice', LISTENER);
    t.now.set('bob', SPEAKER);
    expect(await t.reconciler.enforceAccess()).toEqual({ evicted: 0, rights: 1 });
    expect(t.rooms.rights).toEqual([{ room: ROOM_A, identity: 'alice', rights: LISTENER }]);
    // Given back once SPEAK is back; and nothing to do when LiveKit already grants it.
    t.now.set('alice', SPEAKER);
    expect(await t.reconciler.enforceAccess()).toEqual({ evicted: 0, rights: 1 });
    expect(t.rooms.rights.at(-1)).toEqual({ room: ROOM_A, identity: 'alice', rights: SPEAKER });
    expect(await t.reconciler.enforceAccess()).toEqual({ evicted: 0, rights: 0 });
  });

  it('when a member may no longer be in the room, then they are evicted rather than given new rights', async () => {
    const t = setup();
    t.rooms.participants.set(ROOM_A, [participant('alice', SPEAKER)]);
    t.now.set('alice', LISTENER);
    t.banned.add('alice');
    expect(await t.reconciler.enforceAccess()).toEqual({ evicted: 1, rights: 0 });
    expect(t.evicted).toEqual(['alice']);
    expect(t.rooms.rights).toEqual([]);
  });

  it('when a moderator mutes the member while their rights are being updated, then the mute is applied after ours, not undone by it', async () => {
    const t = setup();
    t.rooms.participants.set(ROOM_A, [participant('alice', LISTENER)]);
    t.now.set('alice', SPEAKER);
    let reads = 0;
    t.hooks.onRightsRead = () => {
      // The mute lands between our first read and the read that checks it.
      if (++reads === 1) queueMicrotask(() => t.now.set('alice', LISTENER));
    };
    expect(await t.reconciler.enforceAccess()).toEqual({ evicted: 0, rights: 1 });
    expect(t.rooms.rights.map((r) => r.rights)).toEqual([SPEAKER, LISTENER]);
  });

  it("when asked for one guild, then only that guild's rooms are checked", async () => {
    const t = setup();
    t.rooms.participants.set(ROOM_A, [participant('alice', SPEAKER)]);
    t.rooms.participants.set(ROOM_B, [participant('bob', SPEAKER)]);
    t.now.set('alice', LISTENER);
    t.now.set('bob', LISTENER);
    expect(await t.reconciler.enforceAccess('guild-a')).toEqual({ evicted: 0, rights: 1 });
    expect(t.rooms.rights.map((r) => r.identity)).toEqual(['alice']);
    expect(t.listings).toEqual(['guild-a']);
  });

  it('when many passes are asked for while one runs, then they make one more pass covering every guild asked for', async () => {
    const t = setup();
    t.rooms.participants.set(ROOM_A, [participant('alice', SPEAKER)]);
    t.rooms.participants.set(ROOM_B, [participant('bob', SPEAKER)]);
    const more: Promise<unknown>[] = [];
    t.hooks.onRightsRead = () => {
      if (more.length === 0) more.push(t.reconciler.enforceAccess('guild-a'), t.reconciler.enforceAccess('guild-b'));
    };
    t.now.set('alice', SPEAKER);
    await t.reconciler.enforceAccess('guild-a');
    t.now.set('bob', LISTENER);
    await Promise.all(more);
    expect(t.listings).toEqual(['guild-a', 'guild-a', 'guild-b']);
    expect(t.rooms.rights.map((r) => r.identity)).toEqual(['bob']);
  });

  it('when the reconciler pass lists a member whose rights changed, then it updates them too and counts it', async () => {
    const t = setup();
    t.rooms.participants.set(ROOM_A, [participant('alice', SPEAKER)]);
    t.now.set('alice', LISTENER);
    expect(await t.reconciler.reconcileOnce()).toEqual(expect.objectContaining({ rights: 1, evicted: 0 }));
    expect(t.rooms.rights).toEqual([{ room: ROOM_A, identity: 'alice', rights: LISTENER }]);
  });

  it('when stopped, then no further pass runs', async () => {
    const t = setup();
    t.rooms.participants.set(ROOM_A, [participant('alice', SPEAKER)]);
    t.now.set('alice', LISTENER);
    await t.reconciler.stop();
    expect(await t.reconciler.enforceAccess()).toEqual({ evicted: 0, rights: 0 });
    expect(t.rooms.rights).toEqual([]);
  });
});
