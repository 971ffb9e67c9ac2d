import { Permission } from '@shared/permissions/permissions';
import { describe, expect, it } from 'vitest';
import { channelPermissions, triOf, withTri } from './overwrites';

const EVERYONE = { id: 'e'.repeat(24), type: 'role' as const };
const MEMBER = { id: 'm'.repeat(24), type: 'member' as const };

describe('channel overwrites', () => {
  it('when a bit is denied for @everyone, then it reads as deny and other targets stay neutral', () => {
    const ows = withTri([], EVERYONE, 'VIEW_CHANNEL', 'deny');
    expect(ows).toEqual([{ ...EVERYONE, allow: 0, deny: Permission.VIEW_CHANNEL }]);
    expect(triOf(ows[0], 'VIEW_CHANNEL')).toBe('deny');
    expect(
      triOf(
        ows.find((o) => o.id === MEMBER.id),
        'VIEW_CHANNEL',
      ),
    ).toBe('neutral');
  });

  it('when a denied bit is switched to allow, then it leaves deny and enters allow', () => {
    const ows = withTri(withTri([], MEMBER, 'SEND_MESSAGES', 'deny'), MEMBER, 'SEND_MESSAGES', 'allow');
    expect(ows).toEqual([{ ...MEMBER, allow: Permission.SEND_MESSAGES, deny: 0 }]);
  });

  it('when the last bit of an overwrite goes back to neutral, then the overwrite is removed', () => {
    const one = withTri(withTri([], MEMBER, 'CONNECT', 'allow'), EVERYONE, 'VIEW_CHANNEL', 'deny');
    expect(withTri(one, MEMBER, 'CONNECT', 'neutral')).toEqual([{ ...EVERYONE, allow: 0, deny: Permission.VIEW_CHANNEL }]);
  });

  it('when listing permissions for a text channel, then voice-only and guild-wide ones are left out', () => {
    const text = channelPermissions('text');
    expect(text).toContain('SEND_MESSAGES');
    expect(text).not.toContain('SPEAK');
    expect(text).not.toContain('KICK_MEMBERS');
    expect(channelPermissions('voice')).toContain('SPEAK');
    expect(channelPermissions('category')).toEqual(expect.arrayContaining(['SEND_MESSAGES', 'SPEAK', 'VIEW_CHANNEL']));
  });
});
