import { useMemo } from 'react';
import { useAuth, useGuilds } from '../../app/services';
import type { Member, Role } from '../../api/types';
import { Avatar } from '../../ui/Avatar';
import { selfDisplayStatus, STATUS_LABEL, type DisplayStatus } from '../../ui/status';
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
  const self = useAuth((s) => s.user);
  // Others as the server reports them; oneself as chosen when invisible (listed with the offline members).
  const statusOf = useMemo(() => {
    const selfStatus = self ? selfDisplayStatus(self.status, presence[self.id]) : null;
    return (userId: string): DisplayStatus => (self && selfStatus && userId === self.id ? selfStatus : (presence[userId] ?? 'offline'));
  }, [presence, self]);

  const groups = useMemo(() => {
    const sortedRoles = [...(roles ?? [])].filter((r) => r.id !== guildId).sort((a, b) => b.position - a.position);
    const topRole = (m: Member): Role | undefined => sortedRoles.find((r) => m.roleIds.includes(r.id));
    const out = new Map<string, { title: string; members: Member[] }>();
    for (const r of sortedRoles) out.set(r.id, { title: r.name, members: [] });
    out.set('online', { title: 'Online', members: [] });
    out.set('offline', { title: 'Offline', members: [] });
    for (const m of members ?? []) {
      const status = statusOf(m.user.id);
      const away = status === 'offline' || status === 'invisible';
      const role = away ? undefined : topRole(m);
      out.get(away ? 'offline' : (role?.id ?? 'online'))?.members.push(m);
    }
    for (const g of out.values()) g.members.sort((a, b) => memberName(a, '').localeCompare(memberName(b, '')));
    return [...out.values()].filter((g) => g.members.length > 0);
  }, [members, roles, statusOf, guildId]);

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
              const status = statusOf(m.user.id);
              const name = memberName(m, m.user.username);
              return (
                <li
                  key={m.user.id}
                  className={`member-row ${status}`}
                  aria-label={`${name}, ${STATUS_LABEL[status]}${m.user.id === ownerId ? ', server owner' : ''}`}
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
