import { useDeferredValue, useEffect } from 'react';
import { chatStore, useGuilds } from '../../app/services';
import { HashIcon } from '../../ui/icons';
import { ChannelsDrawerButton, MembersButton } from '../../ui/LayoutButtons';
import { VoiceChannelView } from '../voice/VoiceChannelView';
import { ChannelChat } from './ChannelChat';
import { useFileDrop } from './attachments/useFileDrop';
import { PinsButton } from './PinsButton';
import { SearchBox, SearchPanel, useCloseSearchOnGuildChange } from '../search/SearchPanel';
import { NotificationsBanner } from '../notifications/NotificationsBanner';

export function ChatPane({ guildId }: { guildId: string }) {
  const channelId = useGuilds((s) => s.selectedChannelByGuild[guildId]);
  // Rendered a transition behind the store: the pane for a channel (on start-up, or one picked) mounts in interruptible
  // slices instead of one long task.
  const channel = useDeferredValue(useGuilds((s) => s.channelsByGuild[guildId]?.find((c) => c.id === channelId)));
  useCloseSearchOnGuildChange(guildId);
  const drop = useFileDrop(guildId, channel);

  useEffect(() => {
    if (channelId) void chatStore.getState().loadLatest(channelId);
  }, [channelId]);

  if (channel?.type === 'voice') return <VoiceChannelView channel={channel} guildId={guildId} />;
  if (!channel || channel.type !== 'text') {
    return (
      <main className="chat-pane" aria-label="Chat">
        <header className="chat-header">
          <ChannelsDrawerButton />
          <span className="spacer" />
          <SearchBox guildId={guildId} />
          <MembersButton />
        </header>
        <div className="empty-state">
          <p className="muted">Pick a text channel to start chatting.</p>
        </div>
        <SearchPanel guildId={guildId} />
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
        <SearchBox guildId={guildId} />
        <MembersButton />
      </header>
      <NotificationsBanner />
      <ChannelChat channel={channel} guildId={guildId} />
      <SearchPanel guildId={guildId} />
    </main>
  );
}
