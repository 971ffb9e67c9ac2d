import { useMemo } from 'react';
import { useGuilds } from '../../app/services';
import type { Member, Role } from '../../api/types';
import { Avatar } from '../../ui/Avatar';
import { MemberMenuButton, memberMenuTriggerProps } from '../members/MemberMenuTrigger';
import { memberName } from './ChannelSidebar';

function roleColor(c: number | null | undefined): string | undefined {
  return c ? `#${c.toString(16).padStart(6, '0')}` : undefined;
}

/** Members grouped Discord-style: by their highest hoisted role while online, then "Offline". */
export function MemberList({ guildId }: { guildId: string }) {
  const members = useGuilds((s) => s.membersByGuild[guildId]);
  const roles = useGuilds((s) => s.rolesByGuild[guildId]);
  const presence = useGuilds((s) => s.presence);
  const ownerId = useGuilds((s) => s.guilds.find((g) => g.id === guildId)?.ownerId);

  const groups = useMemo(() => {
    const sortedRoles = [...(roles ?? [])].filter((r) => r.id !== guildId).sort((a, b) => b.position - a.position);
    const topRole = (m: Member): Role | undefined => sortedRoles.find((r) => m.roleIds.includes(r.id));
    const out = new Map<string, { title: string; members: Member[] }>();
    for (const r of sortedRoles) out.set(r.id, { title: r.name, members: [] });
    out.set('online', { title: 'Online', members: [] });
    out.set('offline', { title: 'Offline', members: [] });
    for (const m of members ?? []) {
      const status = presence[m.user.id] ?? 'offline';
      const role = status === 'offline' ? undefined : topRole(m);
      out.get(status === 'offline' ? 'offline' : (role?.id ?? 'online'))?.members.push(m);
    }
    for (const g of out.values()) g.members.sort((a, b) => memberName(a, '').localeCompare(memberName(b, '')));
    return [...out.values()].filter((g) => g.members.length > 0);
  }, [members, roles, presence, guildId]);

  const colorOf = (m: Member) => {
    const sorted = [...(roles ?? [])].sort((a, b) => b.position - a.position);
    return roleColor(sorted.find((r) => m.roleIds.includes(r.id) && r.color)?.color);
  };

  return (
    <aside className="member-list" aria-label="Members">
      {groups.map((g) => (
        <section key={g.title} aria-label={`${g.title}, ${g.members.length}`}>
          <h3>
            {g.title} — {g.members.length}
          </h3>
          <ul>
            {g.members.map((m) => {
              const status = presence[m.user.id] ?? 'offline';
              const name = memberName(m, m.user.username);
              return (
                <li
                  key={m.user.id}
                  className={`member-row ${status}`}
                  aria-label={`${name}, ${status}${m.user.id === ownerId ? ', server owner' : ''}`}
                  {...memberMenuTriggerProps(guildId, m.user.id, 'members')}
                >
                  <Avatar id={m.user.id} name={name} avatar={m.user.avatar} size={32} status={status} />
                  <span className="member-name" style={{ color: colorOf(m) }}>
                    {name}
                  </span>
                  {m.user.id === ownerId && (
                    <span className="owner-crown" title="Server owner" aria-hidden="true">
                      ♛
                    </span>
                  )}
                  <MemberMenuButton guildId={guildId} userId={m.user.id} name={name} source="members" />
                </li>
              );
            })}
          </ul>
        </section>
      ))}
    </aside>
  );
}
