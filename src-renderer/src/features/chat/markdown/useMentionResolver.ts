import { useMemo } from 'react';
import { useGuilds } from '../../../app/services';
import { openChannelChat } from '../../voice/open-channel-chat';
import type { Member } from '../../../api/types';
import type { ChatMessage } from '../message-merge';
import type { MentionResolver } from './Markdown';
import { createMentionResolver } from './mention-resolver';

const NO_CHANNELS: never[] = [];

/**
 * Names for a message's `<@user>`, `<@&role>` and `<#channel>`: the member's shown name from the guild's member list
 * (falling back to the user the server attached to the message), the role's name with the pill only where the server
 * counted the mention, and text and voice channels of the same guild (a click switches to it, with a voice channel's
 * chat open).
 */
export function useMentionResolver(m: ChatMessage, memberById: Map<string, Member>, roleNames: Map<string, string>): MentionResolver {
  const channels = useGuilds((s) => (m.guildId !== null ? s.channelsByGuild[m.guildId] : undefined) ?? NO_CHANNELS);
  return useMemo(
    () =>
      createMentionResolver({
        // A DM's message (guildId null) links no channels: NO_CHANNELS above.
        guildId: m.guildId ?? '',
        mentions: m.mentions,
        mentionRoles: m.mentionRoles,
        memberById,
        roleNames,
        channels,
        select: openChannelChat,
      }),
    [m.guildId, m.mentions, m.mentionRoles, memberById, roleNames, channels],
  );
}
