import type { MentionResolver } from './Markdown';

/** How `<@user>`, `<@&role>` and `<#channel>` resolve (useMentionResolver feeds it from the stores). */
export function createMentionResolver(d: {
  guildId: string;
  mentions: readonly { id: string; displayName: string }[];
  mentionRoles: readonly string[];
  memberById: ReadonlyMap<string, { user: { displayName: string } }>;
  roleNames: ReadonlyMap<string, string>;
  channels: readonly { id: string; name: string; type: string }[];
  select: (guildId: string, channelId: string) => void;
}): MentionResolver {
  return {
    userName: (id) => d.memberById.get(id)?.user.displayName ?? d.mentions.find((u) => u.id === id)?.displayName ?? null,
    role: (id) => ({ name: d.roleNames.get(id) ?? null, pill: d.mentionRoles.includes(id) }),
    channel: (id) => {
      // Voice channels too: they carry their own chat (a click opens it), as Discord's mentions of them do.
      const c = d.channels.find((x) => x.id === id && x.type !== 'category');
      return c ? { name: c.name } : null;
    },
    openChannel: (id) => {
      if (d.channels.some((x) => x.id === id && x.type !== 'category')) d.select(d.guildId, id);
    },
  };
}
