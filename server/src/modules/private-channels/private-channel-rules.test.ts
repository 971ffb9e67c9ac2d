import { hasPermission, Permission } from '@shared/permissions/permissions';
import { describe, expect, it } from 'vitest';
import { activityTime, dmPairKey, effectiveOwner, PRIVATE_CHANNEL_PERMISSIONS, seatOrder } from './private-channel-rules';

const at = (ms: number) => new Date(ms);

describe('private channel rules', () => {
  it('dmPairKey: the same key whichever of the two opens it, and a different one for another pair', () => {
    expect(dmPairKey('aa', 'bb')).toBe('dm:aa:bb');
    expect(dmPairKey('bb', 'aa')).toBe('dm:aa:bb');
    expect(dmPairKey('aa', 'cc')).not.toBe(dmPairKey('aa', 'bb'));
  });

  it('recipients may see, write, react, attach and call with microphone, camera and screen share, but not manage others’ messages, channels or roles', () => {
    for (const p of ['VIEW_CHANNEL', 'SEND_MESSAGES', 'ADD_REACTIONS', 'ATTACH_FILES', 'CONNECT', 'SPEAK', 'VIDEO', 'STREAM'] as const)
      expect(hasPermission(PRIVATE_CHANNEL_PERMISSIONS, Permission[p]), p).toBe(true);
    for (const p of ['MANAGE_MESSAGES', 'MANAGE_CHANNELS', 'MANAGE_ROLES', 'ADMINISTRATOR', 'KICK_MEMBERS', 'MUTE_MEMBERS'] as const)
      expect(hasPermission(PRIVATE_CHANNEL_PERMISSIONS, Permission[p]), p).toBe(false);
  });

  it('effectiveOwner: the stored owner while a member, else the earliest joined (ties by id), else nobody', () => {
    const members = [
      { userId: 'c', joinedAt: at(30) },
      { userId: 'b', joinedAt: at(20) },
      { userId: 'a', joinedAt: at(20) },
    ];
    expect(effectiveOwner('c', members)).toBe('c');
    expect(effectiveOwner('gone', members)).toBe('a');
    expect(effectiveOwner(null, members)).toBe('a');
    expect(effectiveOwner(undefined, [{ userId: 'z', joinedAt: at(1) }])).toBe('z');
    expect(effectiveOwner('gone', [])).toBeNull();
  });

  it('seatOrder: the free seats below the cap, lowest first; none when all are taken', () => {
    expect(seatOrder([], 3)).toEqual([0, 1, 2]);
    expect(seatOrder([1], 3)).toEqual([0, 2]);
    expect(seatOrder([0, 1, 2], 3)).toEqual([]);
    expect(seatOrder([5], 3)).toEqual([0, 1, 2]);
  });

  it('activityTime: the newest message when there is one, else the creation', () => {
    expect(activityTime(at(100), null)).toBe(100);
    expect(activityTime(at(100), at(250))).toBe(250);
  });
});
