import type { Channel } from '../../api/types';
import { useUi, voiceStore } from '../../app/services';
import { Avatar } from '../../ui/Avatar';
import { ArrowLeftIcon, ChatIcon, SpeakerIcon } from '../../ui/icons';
import { ChannelsDrawerButton, MembersButton } from '../../ui/LayoutButtons';
import { useNarrowLayout } from '../../ui/useMediaQuery';
import { ChannelChat } from '../chat/ChannelChat';
import { PinsButton } from '../chat/PinsButton';
import { useCan } from '../guilds/usePermissions';
import { useVoiceGuests, useVoiceOccupants } from './useVoiceOccupants';
import { useOutlet } from './video-outlets';
import { VoiceUserIcons } from './VoiceUserIcons';
import './voice-view.css';

/**
 * A selected voice channel, as Discord shows it: who is in it (with Join voice) and the channel's own text chat beside
 * them. "Show chat" / "Hide chat" toggles the chat; in the narrow layout the chat takes the whole pane, with a back
 * button to the participants.
 */
export function VoiceChannelView({ channel, guildId }: { channel: Channel; guildId: string }) {
  const narrow = useNarrowLayout();
  const chatOpen = useUi((s) => s.voiceChat);
  const setVoiceChat = useUi((s) => s.setVoiceChat);
  const showStage = !narrow || !chatOpen;
  return (
    <main className="chat-pane voice-view" aria-label={`${channel.name} (voice channel)`}>
      <header className="chat-header">
        <ChannelsDrawerButton />
        {narrow && chatOpen && (
          <button
            type="button"
            className="icon-btn"
            aria-label={`Back to ${channel.name} participants`}
            title="Back to participants"
            onClick={() => setVoiceChat(false)}
          >
            <ArrowLeftIcon />
          </button>
        )}
        <SpeakerIcon size={22} className="muted" />
        <h1>{channel.name}</h1>
        <span className="spacer" />
        {chatOpen && <PinsButton channelId={channel.id} guildId={guildId} channelName={channel.name} />}
        {!(narrow && chatOpen) && (
          <button
            type="button"
            className={`icon-btn${chatOpen ? ' active' : ''}`}
            aria-label="Show chat"
            aria-pressed={chatOpen}
            title={chatOpen ? 'Hide chat' : 'Show chat'}
            onClick={() => setVoiceChat(!chatOpen)}
          >
            <ChatIcon />
          </button>
        )}
        <MembersButton />
      </header>
      <div className="voice-view-body">
        {showStage && <VoiceStage channel={channel} />}
        {chatOpen && (
          <section className="voice-chat" aria-label={`Chat in ${channel.name}`}>
            <ChannelChat channel={channel} guildId={guildId} />
          </section>
        )}
      </div>
    </main>
  );
}

/** The participants as tiles (speaking ring, mute marks), and Join voice for those who may connect. */
function VoiceStage({ channel }: { channel: Channel }) {
  const { occupants, inThis } = useVoiceOccupants(channel);
  const guests = useVoiceGuests(channel);
  const canConnect = useCan(channel.guildId, 'CONNECT', channel);
  const join = () => voiceStore.getState().join(channel.id, channel.guildId);
  // Cameras and screen shares of this channel (VideoStage.tsx) while I am connected to it.
  const stageRef = useOutlet('stage', { location: channel.id });
  return (
    <section className="voice-stage" aria-label={`Participants in ${channel.name}`}>
      {inThis && <div ref={stageRef} className="video-stage-outlet" />}
      {occupants.length + guests.length > 0 ? (
        <ul className="voice-tiles" role="list">
          {occupants.map((o) => (
            <li key={o.userId} className={`voice-tile${o.speaking ? ' speaking' : ''}`} data-tile-user-id={o.userId}>
              <Avatar id={o.userId} name={o.name} avatar={o.avatar} size={64} speaking={o.speaking} />
              <span className="voice-tile-name">
                {o.name}
                {o.isSelf ? ' (you)' : ''}
              </span>
              <VoiceUserIcons occupant={o} size={16} />
            </li>
          ))}
          {guests.map((g) => (
            <li key={g.identity} className={`voice-tile${g.speaking ? ' speaking' : ''}`} data-tile-guest-identity={g.identity}>
              <Avatar id={g.identity} name={g.name} size={64} speaking={g.speaking} />
              <span className="voice-tile-name">
                {g.name} <span className="voice-guest-badge">guest</span>
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No one is in {channel.name} yet.</p>
      )}
      {!inThis && canConnect && (
        <button type="button" className="btn primary" onClick={join}>
          Join voice
        </button>
      )}
    </section>
  );
}
