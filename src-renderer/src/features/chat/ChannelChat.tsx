import { useEffect, useMemo, useState } from 'react';
import type { Channel } from '../../api/types';
import { useAuth, useChat } from '../../app/services';
import { memberName } from '../guilds/ChannelSidebar';
import { typingUsers } from './chat.store';
import { Composer } from './Composer';
import { MessageList } from './MessageList';
import { useChatMembers } from './useChatMembers';

/**
 * A channel's messages, composer and typing line: the body of a text channel's pane, of a voice channel's chat and of
 * a DM (`guildId` null; `channel.name` is then what the DM is called).
 */
export function ChannelChat({ channel, guildId }: { channel: Pick<Channel, 'id' | 'name'>; guildId: string | null }) {
  return (
    <>
      <MessageList key={channel.id} channelId={channel.id} guildId={guildId} channelName={channel.name} />
      <div className="composer-wrap">
        <Composer channelId={channel.id} guildId={guildId} channelName={channel.name} />
        <TypingIndicator channelId={channel.id} guildId={guildId} />
      </div>
    </>
  );
}

function TypingIndicator({ channelId, guildId }: { channelId: string; guildId: string | null }) {
  const typing = useChat((s) => s.typing[channelId]);
  const members = useChatMembers(guildId, channelId);
  const selfId = useAuth((s) => s.user?.id);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!typing || Object.keys(typing).length === 0) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [typing]);
  const names = useMemo(
    () =>
      typingUsers({ typing: typing ? { [channelId]: typing } : {}, channels: {} }, channelId, now)
        .filter((id) => id !== selfId)
        .map((id) =>
          memberName(
            members?.find((m) => m.user.id === id),
            'Someone',
          ),
        ),
    [typing, channelId, now, members, selfId],
  );
  const text =
    names.length === 0
      ? ''
      : names.length === 1
        ? `${names[0]} is typing…`
        : names.length <= 3
          ? `${names.join(', ')} are typing…`
          : 'Several people are typing…';
  return (
    <div className="typing" aria-live="polite">
      {text && (
        <>
          <span className="typing-dots" aria-hidden="true">
            <i />
            <i />
            <i />
          </span>
          <strong>{text}</strong>
        </>
      )}
    </div>
  );
}
