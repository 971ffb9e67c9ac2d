import { useMemo } from 'react';
import { useGuilds } from '../../app/services';
import type { Member } from '../../api/types';
import { Avatar } from '../../ui/Avatar';
import { MemberMenuButton, memberMenuTriggerProps } from '../members/MemberMenuTrigger';
import { memberName } from './ChannelSidebar';
import { groupMembers } from './member-groups';

function roleColor(c: number | null | undefined): string | undefined {
  return c ? `#${c.toString(16).padStart(6, '0')}` : undefined;
}

/** Members grouped Discord-style: by their highest hoisted role while online, then "Offline". */
export function MemberList({ guildId }: { guildId: string }) {
  const members = useGuilds((s) => s.membersByGuild[guildId]);
  const roles = useGuilds((s) => s.rolesByGuild[guildId]);
  const presence = useGuilds((s) => s.presence);
  const ownerId = useGuilds((s) => s.guilds.find((g) => g.id === guildId)?.ownerId);

  const groups = useMemo(() => groupMembers(members ?? [], roles ?? [], (id) => presence[id] ?? 'offline', guildId), [members, roles, presence, guildId]);

  const colorOf = (m: Member) => {
    const sorted = [...(roles ?? [])].sort((a, b) => b.position - a.position);
    return roleColor(sorted.find((r) => m.roleIds.includes(r.id) && r.color)?.color);
  };

  return (
    <aside className="member-list" aria-label="Members">
      {groups.map((g) => (
        <section key={g.key} data-group={g.key} aria-label={`${g.title}, ${g.members.length}`}>
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
                  <Avatar id={m.user.id} name={name} size={32} status={status} />
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
