import { useEffect, useMemo, useState } from 'react';
import { chatStore, useAuth, useChat, useGuilds } from '../../app/services';
import { HashIcon } from '../../ui/icons';
import { ChannelsDrawerButton, MembersButton } from '../../ui/LayoutButtons';
import { memberName } from '../guilds/ChannelSidebar';
import { useFileDrop } from './attachments/useFileDrop';
import { typingUsers } from './chat.store';
import { Composer } from './Composer';
import { MessageList } from './MessageList';
import { PinsButton } from './PinsButton';

export function ChatPane({ guildId }: { guildId: string }) {
  const channelId = useGuilds((s) => s.selectedChannelByGuild[guildId]);
  const channel = useGuilds((s) => s.channelsByGuild[guildId]?.find((c) => c.id === channelId));
  const drop = useFileDrop(guildId, channel);

  useEffect(() => {
    if (channelId) void chatStore.getState().loadLatest(channelId);
  }, [channelId]);

  if (!channel || channel.type !== 'text') {
    return (
      <main className="chat-pane" aria-label="Chat">
        <header className="chat-header">
          <ChannelsDrawerButton />
          <span className="spacer" />
          <MembersButton />
        </header>
        <div className="empty-state">
          <p className="muted">Pick a text channel to start chatting.</p>
        </div>
      </main>
    );
  }
  return (
    <main className={`chat-pane${drop.dragging ? ' dragging' : ''}`} aria-label={`#${channel.name}`} {...drop.handlers}>
      <header className="chat-header">
        <ChannelsDrawerButton />
        <HashIcon size={22} className="muted" />
        <h1>{channel.name}</h1>
        {channel.topic && <span className="chat-topic muted">{channel.topic}</span>}
        <span className="spacer" />
        <PinsButton channelId={channel.id} guildId={guildId} channelName={channel.name} />
        <MembersButton />
      </header>
      <MessageList key={channel.id} channelId={channel.id} guildId={guildId} channelName={channel.name} />
      <div className="composer-wrap">
        <Composer channelId={channel.id} guildId={guildId} channelName={channel.name} />
        <TypingIndicator channelId={channel.id} guildId={guildId} />
      </div>
    </main>
  );
}

function TypingIndicator({ channelId, guildId }: { channelId: string; guildId: string }) {
  const typing = useChat((s) => s.typing[channelId]);
  const members = useGuilds((s) => s.membersByGuild[guildId]);
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
