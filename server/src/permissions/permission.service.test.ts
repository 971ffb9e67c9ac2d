import { hasPermission, Permission } from '@shared/permissions/permissions';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { createLogger } from '../logger';
import type { ChannelRecord, ChannelsRepo } from '../modules/channels/channels.repo';
import type { GuildsRepo } from '../modules/guilds/guilds.repo';
import type { RolesRepo } from '../modules/roles/roles.repo';
import { createPermissionService } from './permission.service';

const base = { parentId: null, position: 0, topic: null, bitrate: null, userLimit: null, overwrites: [], createdAt: new Date(0) };
const dm: ChannelRecord = { ...base, id: 'dm1', guildId: null, type: 'dm', name: '', recipientIds: ['ann', 'bob'] };
const group: ChannelRecord = { ...base, id: 'g1', guildId: null, type: 'group_dm', name: 'pals', ownerId: 'ann' };

/** The private-channel branch only: guild reads must never run for a DM (a fake that throws proves it). */
function service() {
  const channels = new Map([dm, group].map((c) => [c.id, c]));
  const members = new Map([['g1', ['ann', 'cat']]]);
  const noGuild = () => {
    throw new Error('a private channel must not read guilds or roles');
  };
  return createPermissionService({
    guilds: { findGuild: noGuild, findMember: noGuild, allMembers: noGuild } as unknown as GuildsRepo,
    roles: { listByGuild: noGuild } as unknown as RolesRepo,
    channels: { find: async (id: string) => channels.get(id) ?? null } as unknown as ChannelsRepo,
    privateChannels: {
      isRecipient: async (channelId, userId) => (members.get(channelId) ?? []).includes(userId),
      recipientsOf: async (channelId) => (members.get(channelId) ?? []).map((userId) => ({ channelId, userId, joinedAt: new Date(0) })),
    },
    log: createLogger('silent'),
  });
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (err: unknown) => (err instanceof AppError ? err.code : String(err)),
  );

describe('permission service: private channels', () => {
  it('a 1:1 DM lets its two users write, react and attach, never moderate; anyone else gets NOT_FOUND', async () => {
    const p = service();
    const access = await p.requireChannelPermission('bob', 'dm1', 'SEND_MESSAGES');
    expect(access.guild).toBeNull();
    expect(hasPermission(access.permissions, Permission.ATTACH_FILES)).toBe(true);
    expect(await codeOf(p.requireChannelPermission('bob', 'dm1', 'MANAGE_MESSAGES'))).toBe('FORBIDDEN');
    expect(await codeOf(p.requireChannelPermission('eve', 'dm1', 'VIEW_CHANNEL'))).toBe('NOT_FOUND');
  });

  it('a group DM reads its members from their documents; guild-only checks treat private channels as unknown', async () => {
    const p = service();
    expect(await codeOf(p.requireChannelPermission('cat', 'g1', 'SEND_MESSAGES'))).toBe('ok');
    expect(await codeOf(p.requireChannelPermission('bob', 'g1', 'VIEW_CHANNEL'))).toBe('NOT_FOUND');
    expect(await codeOf(p.requireGuildChannelPermission('ann', 'g1', 'VIEW_CHANNEL'))).toBe('NOT_FOUND');
    expect(await codeOf(p.requireGuildChannelPermission('ann', 'dm1', 'VIEW_CHANNEL'))).toBe('NOT_FOUND');
  });

  it('events of a private channel reach exactly its recipients, with no guild', async () => {
    const p = service();
    expect(await p.viewersOfChannel('dm1')).toEqual({ guildId: null, viewers: ['ann', 'bob'] });
    expect(await p.viewersOfChannel('g1')).toEqual({ guildId: null, viewers: ['ann', 'cat'] });
    expect(await p.viewersOfChannel('nope')).toBeNull();
  });
});
