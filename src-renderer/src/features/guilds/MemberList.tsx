import { useMemo } from 'react';
import { BotTag } from '../bots/BotTag';
import { useAuth, useGuilds } from '../../app/services';
import type { Member } from '../../api/types';
import { Avatar } from '../../ui/Avatar';
import { selfDisplayStatus, STATUS_LABEL, type DisplayStatus } from '../../ui/status';
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
  const self = useAuth((s) => s.user);
  // Others as the server reports them; oneself as chosen when invisible (listed with the offline members).
  const statusOf = useMemo(() => {
    const selfStatus = self ? selfDisplayStatus(self.status, presence[self.id]) : null;
    return (userId: string): DisplayStatus => (self && selfStatus && userId === self.id ? selfStatus : (presence[userId] ?? 'offline'));
  }, [presence, self]);

  const groups = useMemo(() => groupMembers(members ?? [], roles ?? [], statusOf, guildId), [members, roles, statusOf, guildId]);

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
              const status = statusOf(m.user.id);
              const name = memberName(m, m.user.username);
              return (
                <li
                  key={m.user.id}
                  className={`member-row ${status}`}
                  aria-label={`${name}${m.user.bot ? ', bot' : ''}, ${STATUS_LABEL[status]}${m.user.id === ownerId ? ', server owner' : ''}`}
                  {...memberMenuTriggerProps(guildId, m.user.id, 'members')}
                >
                  <Avatar id={m.user.id} name={name} avatar={m.user.avatar} size={32} status={status} />
                  <span className="member-name" style={{ color: colorOf(m) }}>
                    {name}
                    <BotTag bot={m.user.bot} />
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
