import { describe, expect, it } from 'vitest';
import {
  ALL_PERMISSIONS,
  computePermissions,
  DEFAULT_EVERYONE_PERMISSIONS,
  hasPermission,
  Permission,
  PERMISSION_NAMES,
  permissionNames,
  type PermissionInput,
  type PermissionOverwrite,
} from './permissions';

const GUILD = 'g'.repeat(24);
const OWNER = 'o'.repeat(24);
const USER = 'u'.repeat(24);
const OTHER = 'x'.repeat(24);
const ROLE_A = 'a'.repeat(24);
const ROLE_B = 'b'.repeat(24);
const { VIEW_CHANNEL: VIEW, SEND_MESSAGES: SEND, CONNECT, SPEAK, ADMINISTRATOR, MANAGE_MESSAGES } = Permission;

function input(over: Partial<PermissionInput> = {}): PermissionInput {
  return {
    userId: USER,
    guildId: GUILD,
    ownerId: OWNER,
    roles: [{ id: GUILD, permissions: VIEW | SEND }],
    memberRoleIds: [],
    ...over,
  };
}
const ow = (id: string, type: 'role' | 'member', allow: number, deny: number): PermissionOverwrite => ({ id, type, allow, deny });

describe('permission bits', () => {
  it('when listing the flags, then there are the 20 documented ones, each a distinct single bit', () => {
    expect(PERMISSION_NAMES).toEqual([
      'VIEW_CHANNEL',
      'SEND_MESSAGES',
      'MANAGE_MESSAGES',
      'MANAGE_CHANNELS',
      'MANAGE_ROLES',
      'MANAGE_GUILD',
      'CONNECT',
      'SPEAK',
      'MUTE_MEMBERS',
      'DEAFEN_MEMBERS',
      'MOVE_MEMBERS',
      'KICK_MEMBERS',
      'BAN_MEMBERS',
      'RECORD',
      'ADMINISTRATOR',
      'ADD_REACTIONS',
      'ATTACH_FILES',
      'VIDEO',
      'STREAM',
      'MANAGE_WEBHOOKS',
    ]);
    const bits = PERMISSION_NAMES.map((n) => Permission[n]);
    for (const b of bits) expect(b & (b - 1)).toBe(0);
    expect(new Set(bits).size).toBe(20);
    expect(ALL_PERMISSIONS).toBe(2 ** 20 - 1);
  });

  it('when converting bits to names, then every set bit and only those are named', () => {
    expect(permissionNames(VIEW | SPEAK)).toEqual(['VIEW_CHANNEL', 'SPEAK']);
    expect(permissionNames(0)).toEqual([]);
    expect(permissionNames(ALL_PERMISSIONS)).toEqual(PERMISSION_NAMES);
  });

  it('when a fresh guild is made, then @everyone may view, send, connect, speak, react, attach files, video and stream but moderate nothing', () => {
    expect(permissionNames(DEFAULT_EVERYONE_PERMISSIONS)).toEqual([
      'VIEW_CHANNEL',
      'SEND_MESSAGES',
      'CONNECT',
      'SPEAK',
      'ADD_REACTIONS',
      'ATTACH_FILES',
      'VIDEO',
      'STREAM',
    ]);
  });
});

describe('computePermissions at guild level', () => {
  it('when the user owns the guild, then they have everything even with no roles', () => {
    expect(computePermissions(input({ userId: OWNER, roles: [{ id: GUILD, permissions: 0 }] }))).toBe(ALL_PERMISSIONS);
  });

  it('when the member has no roles, then they have exactly @everyone', () => {
    expect(computePermissions(input())).toBe(VIEW | SEND);
  });

  it.each(PERMISSION_NAMES.filter((n) => n !== 'ADMINISTRATOR'))('when a member role grants %s, then it is added to @everyone', (name) => {
    const perms = computePermissions(
      input({
        roles: [
          { id: GUILD, permissions: VIEW },
          { id: ROLE_A, permissions: Permission[name] },
        ],
        memberRoleIds: [ROLE_A],
      }),
    );
    expect(perms).toBe(VIEW | Permission[name]);
  });

  it('when a role exists but the member does not have it, then it grants nothing', () => {
    expect(
      computePermissions(
        input({
          roles: [
            { id: GUILD, permissions: VIEW },
            { id: ROLE_A, permissions: SEND },
          ],
        }),
      ),
    ).toBe(VIEW);
  });

  it('when the member lists a role id that does not exist, then it is ignored', () => {
    expect(computePermissions(input({ memberRoleIds: [ROLE_B] }))).toBe(VIEW | SEND);
  });

  it('when any role grants ADMINISTRATOR, then the member has everything, overwrites notwithstanding', () => {
    const roles = [
      { id: GUILD, permissions: 0 },
      { id: ROLE_A, permissions: ADMINISTRATOR },
    ];
    expect(computePermissions(input({ roles, memberRoleIds: [ROLE_A] }))).toBe(ALL_PERMISSIONS);
    const channel = { overwrites: [ow(GUILD, 'role', 0, ALL_PERMISSIONS), ow(USER, 'member', 0, ALL_PERMISSIONS)] };
    expect(computePermissions(input({ roles, memberRoleIds: [ROLE_A], channel }))).toBe(ALL_PERMISSIONS);
  });

  it('when @everyone itself grants ADMINISTRATOR, then every member has everything', () => {
    expect(computePermissions(input({ roles: [{ id: GUILD, permissions: ADMINISTRATOR }] }))).toBe(ALL_PERMISSIONS);
  });

  it('when stored bits exceed the defined ones, then unknown bits are dropped', () => {
    expect(computePermissions(input({ roles: [{ id: GUILD, permissions: VIEW | (1 << 21) }] }))).toBe(VIEW);
  });
});

describe('computePermissions in a channel', () => {
  it('when the channel has no overwrites, then the guild permissions apply', () => {
    expect(computePermissions(input({ channel: { overwrites: [] } }))).toBe(VIEW | SEND);
  });

  it('when the member cannot view the channel, then they have nothing at all there', () => {
    const channel = { overwrites: [ow(GUILD, 'role', CONNECT | SPEAK | MANAGE_MESSAGES, VIEW)] };
    expect(computePermissions(input({ channel }))).toBe(0);
  });

  it("when two of the member's roles disagree, then allow beats deny among roles", () => {
    const roles = [
      { id: GUILD, permissions: VIEW },
      { id: ROLE_A, permissions: 0 },
      { id: ROLE_B, permissions: 0 },
    ];
    const channel = { overwrites: [ow(ROLE_A, 'role', 0, SEND), ow(ROLE_B, 'role', SEND, 0)] };
    expect(computePermissions(input({ roles, memberRoleIds: [ROLE_A, ROLE_B], channel }))).toBe(VIEW | SEND);
  });

  it('when an overwrite targets another member or a role the member lacks, then it does not apply', () => {
    const channel = { overwrites: [ow(OTHER, 'member', 0, VIEW), ow(ROLE_A, 'role', 0, VIEW)] };
    expect(computePermissions(input({ channel }))).toBe(VIEW | SEND);
  });

  it('when a member overwrite has the id of a role (or vice versa), then the type keeps them apart', () => {
    const channel = { overwrites: [ow(USER, 'role', 0, VIEW), ow(ROLE_A, 'member', 0, VIEW)] };
    expect(
      computePermissions(
        input({
          memberRoleIds: [ROLE_A],
          roles: [
            { id: GUILD, permissions: VIEW | SEND },
            { id: ROLE_A, permissions: 0 },
          ],
          channel,
        }),
      ),
    ).toBe(VIEW | SEND);
  });

  it('when the owner is denied in a channel, then they still have everything', () => {
    const channel = { overwrites: [ow(OWNER, 'member', 0, ALL_PERMISSIONS)] };
    expect(computePermissions(input({ userId: OWNER, channel }))).toBe(ALL_PERMISSIONS);
  });

  /**
   * Exhaustive over one bit (SEND): each of the six overwrite layers — category @everyone / role / member, then channel
   * @everyone / role / member — may allow, deny or say nothing, and the base may or may not have the bit: 2 × 3^6 = 1458
   * cases. The oracle is the rule itself stated independently: the last layer that says something wins, else the base.
   */
  it('when overwrites are layered category → channel and @everyone → roles → member, then the last layer that speaks wins (all 1458 cases)', () => {
    type Say = 'none' | 'allow' | 'deny';
    const says: Say[] = ['none', 'allow', 'deny'];
    const targets: [string, 'role' | 'member'][] = [
      [GUILD, 'role'],
      [ROLE_A, 'role'],
      [USER, 'member'],
    ];
    let cases = 0;
    for (const base of [0, SEND]) {
      for (let n = 0; n < 3 ** 6; n++) {
        const layers = Array.from({ length: 6 }, (_, i) => says[Math.floor(n / 3 ** i) % 3]!);
        const build = (offset: number) =>
          targets.flatMap(([id, type], i) => {
            const s = layers[offset + i];
            return s === 'none' ? [] : [ow(id, type, s === 'allow' ? SEND : 0, s === 'deny' ? SEND : 0)];
          });
        const perms = computePermissions(
          input({
            roles: [
              { id: GUILD, permissions: VIEW | base },
              { id: ROLE_A, permissions: 0 },
            ],
            memberRoleIds: [ROLE_A],
            category: { overwrites: build(0) },
            channel: { overwrites: build(3) },
          }),
        );
        const lastSpoken = [...layers].reverse().find((s) => s !== 'none');
        const expected = lastSpoken ? lastSpoken === 'allow' : base === SEND;
        expect(hasPermission(perms, SEND), `base=${base} layers=${layers.join(',')}`).toBe(expected);
        expect(hasPermission(perms, VIEW)).toBe(true);
        cases++;
      }
    }
    expect(cases).toBe(1458);
  });

  it('when VIEW_CHANNEL is toggled through every layer, then the result is all-or-nothing (all 1458 cases)', () => {
    const says = ['none', 'allow', 'deny'] as const;
    const targets: [string, 'role' | 'member'][] = [
      [GUILD, 'role'],
      [ROLE_A, 'role'],
      [USER, 'member'],
    ];
    for (const base of [0, VIEW]) {
      for (let n = 0; n < 3 ** 6; n++) {
        const layers = Array.from({ length: 6 }, (_, i) => says[Math.floor(n / 3 ** i) % 3]!);
        const build = (offset: number) =>
          targets.flatMap(([id, type], i) => {
            const s = layers[offset + i];
            return s === 'none' ? [] : [ow(id, type, s === 'allow' ? VIEW : 0, s === 'deny' ? VIEW : 0)];
          });
        const perms = computePermissions(
          input({
            roles: [
              { id: GUILD, permissions: base | SEND | CONNECT },
              { id: ROLE_A, permissions: 0 },
            ],
            memberRoleIds: [ROLE_A],
            category: { overwrites: build(0) },
            channel: { overwrites: build(3) },
          }),
        );
        const lastSpoken = [...layers].reverse().find((s) => s !== 'none');
        const visible = lastSpoken ? lastSpoken === 'allow' : base === VIEW;
        expect(perms).toBe(visible ? VIEW | SEND | CONNECT : 0);
      }
    }
  });

  it('when allow and deny name the same bit in one overwrite, then allow wins (Discord applies deny first)', () => {
    const channel = { overwrites: [ow(USER, 'member', SEND, SEND)] };
    expect(computePermissions(input({ roles: [{ id: GUILD, permissions: VIEW }], channel }))).toBe(VIEW | SEND);
  });

  it('when a channel has no category, then only its own overwrites count', () => {
    const channel = { overwrites: [ow(GUILD, 'role', SPEAK, 0)] };
    expect(computePermissions(input({ category: null, channel }))).toBe(VIEW | SEND | SPEAK);
  });
});
