import { describe, expect, it, vi } from 'vitest';
import type { ParleyApi } from '../../api/parley-api';
import type { Invite, Role } from '../../api/types';
import { createAdminStore, isUsable, reorderedRoleIds, type GuildsSink } from './admin.store';

const G = 'a'.repeat(24);
const ME = 'b'.repeat(24);
const OTHER = 'c'.repeat(24);
const NOW = Date.parse('2026-01-01T00:00:00Z');
const invite = (over: Partial<Invite> = {}): Invite => ({
  code: 'abcdef12',
  guildId: G,
  inviterId: ME,
  maxUses: 0,
  uses: 0,
  expiresAt: '2026-01-02T00:00:00.000Z',
  createdAt: '2025-12-31T00:00:00.000Z',
  ...over,
});
const role = (id: string, position: number): Role => ({
  id,
  guildId: G,
  name: id.slice(0, 3),
  permissions: 0,
  position,
  color: null,
  hoist: false,
  mentionable: false,
});

function memory() {
  const data = new Map<string, unknown>();
  return { get: <T>(k: string) => data.get(k) as T | undefined, set: (k: string, v: unknown) => void data.set(k, v) };
}
const sink = (): GuildsSink => ({
  upsertGuild: vi.fn(),
  removeGuild: vi.fn(),
  upsertRole: vi.fn(),
  removeRole: vi.fn(),
  upsertChannel: vi.fn(),
  removeChannel: vi.fn(),
  upsertMember: vi.fn(),
});

describe('invites', () => {
  it('when an invite is expired or used up, then it is not usable', () => {
    expect(isUsable(invite(), NOW)).toBe(true);
    expect(isUsable(invite({ expiresAt: '2025-12-31T23:59:59.000Z' }), NOW)).toBe(false);
    expect(isUsable(invite({ maxUses: 2, uses: 2 }), NOW)).toBe(false);
    expect(isUsable(invite({ expiresAt: null, maxUses: 5, uses: 1 }), NOW)).toBe(true);
  });

  it('when the invite dialog opens again, then my usable invite is offered and no new one is created', async () => {
    const createInvite = vi.fn(async () => invite());
    const api = { admin: { createInvite, invites: vi.fn() } } as unknown as ParleyApi;
    const storage = memory();
    const store = createAdminStore({ api: () => api, guilds: sink, storage });
    const made = await store.getState().createInvite(G, { maxAgeSeconds: 86_400, maxUses: 0 });
    expect(made.ok).toBe(true);
    // A member without MANAGE_GUILD cannot list invites: the remembered one is offered, across a restart too.
    const again = createAdminStore({ api: () => api, guilds: sink, storage });
    expect((await again.getState().findMyInvite(G, ME, false, NOW))?.code).toBe('abcdef12');
    expect(await again.getState().findMyInvite(G, ME, false, Date.parse('2026-01-03T00:00:00Z'))).toBeNull();
    expect(createInvite).toHaveBeenCalledTimes(1);
    expect(api.admin.invites).not.toHaveBeenCalled();
  });

  it("when I may list invites, then the newest usable one of mine is picked and others' are ignored", async () => {
    const items = [
      invite({ code: 'theirs01', inviterId: OTHER }),
      invite({ code: 'usedup01', maxUses: 1, uses: 1 }),
      invite({ code: 'limited1', maxUses: 10, uses: 1, createdAt: '2025-12-31T12:00:00.000Z' }),
      invite({ code: 'forever1', expiresAt: null }),
    ];
    const api = { admin: { invites: vi.fn(async () => items) } } as unknown as ParleyApi;
    const store = createAdminStore({ api: () => api, guilds: sink });
    expect((await store.getState().findMyInvite(G, ME, true, NOW))?.code).toBe('forever1');
  });

  it('when my remembered invite was revoked, then the dialog offers none', async () => {
    const api = {
      admin: { revokeInvite: vi.fn(async () => undefined), createInvite: vi.fn(async () => invite()) },
    } as unknown as ParleyApi;
    const store = createAdminStore({ api: () => api, guilds: sink, storage: memory() });
    await store.getState().createInvite(G, { maxAgeSeconds: 0, maxUses: 0 });
    const r = await store.getState().revokeInvite(G, 'abcdef12');
    expect(r.ok).toBe(true);
    expect(await store.getState().findMyInvite(G, ME, false, NOW)).toBeNull();
  });
});

describe('roles', () => {
  const roles = [role(G, 0), role('1'.repeat(24), 1), role('2'.repeat(24), 2), role('3'.repeat(24), 3)];

  it('when a role moves up, then it swaps with the one above and @everyone stays out of the order', () => {
    expect(reorderedRoleIds(G, roles, '1'.repeat(24), 'up')).toEqual(['2'.repeat(24), '1'.repeat(24), '3'.repeat(24)]);
    expect(reorderedRoleIds(G, roles, '3'.repeat(24), 'down')).toEqual(['1'.repeat(24), '3'.repeat(24), '2'.repeat(24)]);
  });

  it('when the top role moves up or the bottom one down, then nothing changes', () => {
    expect(reorderedRoleIds(G, roles, '3'.repeat(24), 'up')).toBeNull();
    expect(reorderedRoleIds(G, roles, '1'.repeat(24), 'down')).toBeNull();
  });

  it('when the server refuses an action, then the action returns its message instead of throwing', async () => {
    const { ApiError } = await import('../../api/http-client');
    const api = { admin: { createRole: vi.fn(async () => Promise.reject(new ApiError('FORBIDDEN', 'no', 403))) } } as unknown as ParleyApi;
    const store = createAdminStore({ api: () => api, guilds: sink });
    expect(await store.getState().createRole(G, 'x')).toEqual({
      ok: false,
      code: 'FORBIDDEN',
      message: "You don't have permission to do that.",
    });
  });
});

describe('optimistic reorder', () => {
  const A = 'd'.repeat(24);
  const B = 'e'.repeat(24);

  it('when the server refuses a role reorder, then the roles go back to their positions and the error is returned', async () => {
    const reorderRoles = vi.fn(async () => {
      throw new Error('You can only move roles below your highest role');
    });
    const guilds = sink();
    const store = createAdminStore({ api: () => ({ admin: { reorderRoles } }) as unknown as ParleyApi, guilds: () => guilds });
    const roles = [role(A, 1), role(B, 2)];
    const r = await store.getState().reorderRoles(G, roles, [B, A]);
    expect(r.ok).toBe(false);
    const calls = vi.mocked(guilds.upsertRole).mock.calls.map(([x]) => [x.id, x.position]);
    // First the new order at once, then the old one back.
    expect(calls).toEqual([
      [A, 2],
      [B, 1],
      [A, 1],
      [B, 2],
    ]);
  });

  it('when a channel reorder is accepted, then the optimistic order stays and the answer is applied', async () => {
    const channel = {
      id: A,
      guildId: G,
      type: 'text' as const,
      name: 'a',
      parentId: null,
      position: 0,
      topic: null,
      bitrate: null,
      userLimit: null,
      overwrites: [],
      lastMessageId: null,
    };
    const moved = { ...channel, position: 3, parentId: B };
    const reorderChannels = vi.fn(async () => [moved]);
    const guilds = sink();
    const store = createAdminStore({ api: () => ({ admin: { reorderChannels } }) as unknown as ParleyApi, guilds: () => guilds });
    const r = await store.getState().reorderChannels(G, [channel], [{ id: A, position: 3, parentId: B }]);
    expect(r.ok).toBe(true);
    expect(reorderChannels).toHaveBeenCalledWith(G, { channels: [{ id: A, position: 3, parentId: B }] });
    expect(vi.mocked(guilds.upsertChannel).mock.calls.map(([c]) => [c.position, c.parentId])).toEqual([
      [3, B],
      [3, B],
    ]);
  });
});
