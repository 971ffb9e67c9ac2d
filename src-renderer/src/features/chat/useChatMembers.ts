import { useMemo } from 'react';
import type { Member } from '../../api/types';
import { useAuth, useGuilds, usePrivateChannels } from '../../app/services';

/**
 * Who is in a chat, as guild members: a guild channel's members, or a DM's recipients and me (with no roles and no
 * nickname), so names, mentions and the typing line work the same in both (issue 16: one message pipeline).
 */
export function useChatMembers(guildId: string | null, channelId: string): Member[] | undefined {
  const guildMembers = useGuilds((s) => (guildId ? s.membersByGuild[guildId] : undefined));
  const dm = usePrivateChannels((s) => (guildId ? undefined : s.byId[channelId]));
  const me = useAuth((s) => s.user);
  return useMemo(() => {
    if (guildId) return guildMembers;
    if (!dm) return undefined;
    const users = me
      ? [...dm.recipients, { id: me.id, username: me.username, displayName: me.displayName, avatar: me.avatar }]
      : dm.recipients;
    return users.map((user) => ({ guildId: '', user, roleIds: [], nick: null, joinedAt: dm.createdAt }));
  }, [guildId, guildMembers, dm, me]);
}
