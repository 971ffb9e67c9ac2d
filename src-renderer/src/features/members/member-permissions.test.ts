import { Permission } from '@shared/permissions/permissions';
import { describe, expect, it } from 'vitest';
import type { Channel, Member, Role } from '../../api/types';
import { hasModeration, memberCapabilities } from './member-permissions';

const id = (c: string) => c.repeat(24);
const guild = { id: id('a'), ownerId: id('1') };
const everyone: Role = {
  id: guild.id,
  guildId: guild.id,
  name: '@everyone',
  permissions: Permission.VIEW_CHANNEL | Permission.CONNECT,
  position: 0,
  color: null,
  hoist: false,
  mentionable: false,
};
const mods: Role = {
  id: id('b'),
  guildId: guild.id,
  name: 'mods',
  permissions:
    Permission.KICK_MEMBERS | Permission.BAN_MEMBERS | Permission.MUTE_MEMBERS | Permission.MOVE_MEMBERS | Permission.MANAGE_ROLES,
  position: 2,
  color: null,
  hoist: false,
  mentionable: false,
};
const helpers: Role = {
  id: id('c'),
  guildId: guild.id,
  name: 'helpers',
  permissions: 0,
  position: 1,
  color: null,
  hoist: false,
  mentionable: false,
};
const member = (userId: string, roleIds: string[]): Member => ({
  guildId: guild.id,
  user: { id: userId, username: `u${userId.slice(0, 3)}`, displayName: 'x', avatar: null },
  roleIds,
  nick: null,
  joinedAt: new Date(0).toISOString(),
});
const voice = (cid: string, extra: Partial<Channel> = {}): Channel => ({
  id: cid,
  guildId: guild.id,
  type: 'voice',
  name: cid,
  parentId: null,
  position: 0,
  topic: null,
  bitrate: 64000,
  userLimit: 0,
  overwrites: [],
  lastMessageId: null,
  ...extra,
});
const owner = member(id('1'), []);
const mod = member(id('2'), [mods.id]);
const plain = member(id('3'), []);
const helper = member(id('4'), [helpers.id]);
const channels = [
  voice(id('d')),
  voice(id('e'), { overwrites: [{ id: mods.id, type: 'role', allow: 0, deny: Permission.MOVE_MEMBERS }] }),
  voice(id('f')),
];
const base = { guild, roles: [everyone, mods, helpers], members: [owner, mod, plain, helper], channels };

describe('member capabilities', () => {
  it('when a plain member looks at anyone, then only their own nickname is offered, no moderation', () => {
    const other = memberCapabilities({ ...base, selfId: plain.user.id, targetId: helper.user.id, targetVoice: { channelId: id('d') } });
    expect(hasModeration(other)).toBe(false);
    expect(other.nickname).toBe(false);
    expect(memberCapabilities({ ...base, selfId: plain.user.id, targetId: plain.user.id, targetVoice: null }).nickname).toBe(true);
  });

  it('when a moderator looks at a lower member in voice, then kick, ban, mute, roles below theirs and moves where allowed are offered', () => {
    const c = memberCapabilities({ ...base, selfId: mod.user.id, targetId: helper.user.id, targetVoice: { channelId: id('d') } });
    expect(c).toMatchObject({ kick: true, ban: true, mute: true, deafen: false, disconnect: true, nickname: false });
    expect(c.assignableRoles.map((r) => r.name)).toEqual(['helpers']);
    // Not the channel they are in, nor one whose overwrite denies the moderator MOVE_MEMBERS.
    expect(c.moveTargets.map((ch) => ch.id)).toEqual([id('f')]);
  });

  it('when a moderator looks at the owner, then nothing that acts on the owner is offered; the owner may act on everyone else', () => {
    const onOwner = memberCapabilities({ ...base, selfId: mod.user.id, targetId: owner.user.id, targetVoice: null });
    expect(onOwner).toMatchObject({ kick: false, ban: false });
    const byOwner = memberCapabilities({ ...base, selfId: owner.user.id, targetId: mod.user.id, targetVoice: null });
    expect(byOwner).toMatchObject({ kick: true, ban: true, nickname: true });
    expect(byOwner.assignableRoles.map((r) => r.name)).toEqual(['mods', 'helpers']);
  });

  it('when the target is not in voice, then no voice moderation is offered', () => {
    const c = memberCapabilities({ ...base, selfId: owner.user.id, targetId: plain.user.id, targetVoice: null });
    expect(c).toMatchObject({ mute: false, deafen: false, disconnect: false, moveTargets: [] });
  });

  it('when someone with MANAGE_MESSAGES looks at another member, then "delete recent messages" is offered; not on themselves, not without it', () => {
    const cleaners: Role = {
      id: id('9'),
      guildId: guild.id,
      name: 'cleaners',
      permissions: Permission.MANAGE_MESSAGES,
      position: 1,
      color: null,
      hoist: false,
      mentionable: false,
    };
    const cleaner = member(id('5'), [cleaners.id]);
    const withCleaner = { ...base, roles: [...base.roles, cleaners], members: [...base.members, cleaner] };
    expect(memberCapabilities({ ...withCleaner, selfId: cleaner.user.id, targetId: owner.user.id, targetVoice: null }).purge).toBe(true);
    expect(memberCapabilities({ ...withCleaner, selfId: cleaner.user.id, targetId: cleaner.user.id, targetVoice: null }).purge).toBe(false);
    expect(memberCapabilities({ ...withCleaner, selfId: mod.user.id, targetId: plain.user.id, targetVoice: null }).purge).toBe(false);
    expect(memberCapabilities({ ...withCleaner, selfId: owner.user.id, targetId: plain.user.id, targetVoice: null }).purge).toBe(true);
  });
});
