import type { Member, Role } from '../../api/types';

export interface MemberGroup {
  /** A hoisted role's id, 'online' or 'offline'. */
  key: string;
  title: string;
  members: Member[];
}

const nameOf = (m: Member) => m.nick ?? m.user.displayName;

/**
 * The member list's sections, as Discord: online members under their highest hoisted role (roles by position,
 * highest first), other online members under "Online", everyone offline (or, for oneself, invisible) last. Empty sections are left out; each
 * section is sorted by shown name.
 */
export function groupMembers(
  members: readonly Member[],
  roles: readonly Role[],
  statusOf: (userId: string) => string,
  guildId: string,
): MemberGroup[] {
  const hoisted = roles.filter((r) => r.hoist && r.id !== guildId).sort((a, b) => b.position - a.position);
  const groups: MemberGroup[] = [
    ...hoisted.map((r) => ({ key: r.id, title: r.name, members: [] as Member[] })),
    { key: 'online', title: 'Online', members: [] },
    { key: 'offline', title: 'Offline', members: [] },
  ];
  const byKey = new Map(groups.map((g) => [g.key, g]));
  for (const m of members) {
    const status = statusOf(m.user.id);
    // Oneself while invisible is listed with the offline members, as others see them.
    const offline = status === 'offline' || status === 'invisible';
    const key = offline ? 'offline' : (hoisted.find((r) => m.roleIds.includes(r.id))?.id ?? 'online');
    byKey.get(key)?.members.push(m);
  }
  for (const g of groups) g.members.sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
  return groups.filter((g) => g.members.length > 0);
}
