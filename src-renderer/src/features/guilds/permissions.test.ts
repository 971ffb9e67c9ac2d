import { ALL_PERMISSIONS, hasPermission, Permission } from '@shared/permissions/permissions';
import { describe, expect, it } from 'vitest';
import type { Channel, Guild, Member, Role } from '../../api/types';
import { myPermissions } from './permissions';

const id = (c: string) => c.repeat(24);
const guild: Guild = { id: id('a'), name: 'G', ownerId: id('1'), icon: null, createdAt: new Date(0).toISOString(), systemChannelId: null };
const role = (rid: string, permissions: number, position: number): Role => ({
  id: rid,
  guildId: guild.id,
  name: rid,
  permissions,
  position,
  color: null,
  hoist: false,
  mentionable: false,
});
const everyone = role(guild.id, Permission.VIEW_CHANNEL | Permission.SEND_MESSAGES, 0);
const builders = role(id('b'), Permission.MANAGE_CHANNELS, 1);
const member = (userId: string, roleIds: string[]): Member => ({
  guildId: guild.id,
  user: { id: userId, username: `u${userId.slice(0, 3)}`, displayName: 'x', avatar: null },
  roleIds,
  nick: null,
  joinedAt: new Date(0).toISOString(),
});
const channel = (cid: string, extra: Partial<Channel> = {}): Channel => ({
  id: cid,
  guildId: guild.id,
  type: 'text',
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
// A category that hides itself from @everyone but not from builders; a channel inside it that inherits this.
const staff = channel(id('c'), {
  type: 'category',
  overwrites: [
    { id: guild.id, type: 'role', allow: 0, deny: Permission.VIEW_CHANNEL },
    { id: builders.id, type: 'role', allow: Permission.VIEW_CHANNEL, deny: 0 },
  ],
});
const inside = channel(id('d'), { parentId: staff.id });
const state = {
  guilds: [guild],
  channelsByGuild: { [guild.id]: [staff, inside] },
  membersByGuild: { [guild.id]: [member(id('1'), []), member(id('2'), [builders.id]), member(id('3'), [])] },
  rolesByGuild: { [guild.id]: [everyone, builders] },
};

describe('my permissions from the guilds store', () => {
  it('when I own the guild, then I have every permission, in every channel', () => {
    expect(myPermissions(state, id('1'), guild.id)).toBe(ALL_PERMISSIONS);
    expect(myPermissions(state, id('1'), guild.id, inside)).toBe(ALL_PERMISSIONS);
  });

  it('when a role gives me a permission, then I have it on top of @everyone', () => {
    const mine = myPermissions(state, id('2'), guild.id);
    expect(hasPermission(mine, Permission.MANAGE_CHANNELS)).toBe(true);
    expect(hasPermission(mine, Permission.SEND_MESSAGES)).toBe(true);
    expect(hasPermission(myPermissions(state, id('3'), guild.id), Permission.MANAGE_CHANNELS)).toBe(false);
  });

  it("when the channel's category hides it from @everyone, then a plain member has nothing there and a builder keeps access", () => {
    expect(myPermissions(state, id('3'), guild.id, inside)).toBe(0);
    expect(hasPermission(myPermissions(state, id('2'), guild.id, inside), Permission.SEND_MESSAGES)).toBe(true);
  });

  it('when the guild is unknown or nobody is signed in, then there are no permissions', () => {
    expect(myPermissions(state, id('1'), id('f'))).toBe(0);
    expect(myPermissions(state, undefined, guild.id)).toBe(0);
  });
});
