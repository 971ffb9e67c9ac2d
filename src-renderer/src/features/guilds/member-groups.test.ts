import { describe, expect, it } from 'vitest';
import type { Member, Role } from '../../api/types';
import { groupMembers } from './member-groups';

const G = 'f'.repeat(24);
const id = (n: number) => n.toString(16).padStart(24, '0');
const role = (n: number, name: string, position: number, hoist: boolean): Role => ({
  id: id(n),
  guildId: G,
  name,
  permissions: 0,
  position,
  color: null,
  hoist,
  mentionable: false,
});
const member = (n: number, name: string, roleIds: string[] = []): Member => ({
  guildId: G,
  user: { id: id(n), username: name.toLowerCase(), displayName: name, avatar: null },
  roleIds,
  nick: null,
  joinedAt: '2026-01-01T00:00:00.000Z',
});

describe('groupMembers', () => {
  const admins = role(1, 'Admins', 3, true);
  const quiet = role(2, 'Quiet', 2, false);
  const crew = role(3, 'Crew', 1, true);
  const roles = [crew, quiet, admins, { ...role(0, '@everyone', 0, true), id: G }];
  const online = new Set([id(10), id(11), id(12), id(13)]);
  const status = (u: string) => (online.has(u) ? 'online' : 'offline');

  it('when members hold hoisted roles, then online ones are under their highest hoisted role, the rest under Online, offline last', () => {
    const groups = groupMembers(
      [
        member(10, 'Zed', [crew.id, admins.id]),
        member(11, 'Amy', [crew.id]),
        member(12, 'Bob', [quiet.id]),
        member(13, 'Cal', [quiet.id, crew.id]),
        member(14, 'Dan', [admins.id]),
      ],
      roles,
      status,
      G,
    );
    expect(groups.map((g) => [g.title, g.members.map((m) => m.user.displayName)])).toEqual([
      ['Admins', ['Zed']],
      ['Crew', ['Amy', 'Cal']],
      ['Online', ['Bob']],
      ['Offline', ['Dan']],
    ]);
  });

  it('when no role is hoisted, then online members are all under Online (a non-hoisted higher role makes no section)', () => {
    const groups = groupMembers([member(10, 'Zed', [quiet.id]), member(11, 'Amy')], [quiet], status, G);
    expect(groups.map((g) => g.key)).toEqual(['online']);
    expect(groups[0]!.members.map((m) => m.user.displayName)).toEqual(['Amy', 'Zed']);
  });
});
