import { useCalls, useGuilds, useVoice } from '../../app/services';
import { CallPanel } from '../calls/CallPanel';
import { ChatIcon, HangUpIcon, SignalIcon } from '../../ui/icons';
import { RecordControls } from '../recordings/RecordControls';
import { useCan } from '../guilds/usePermissions';
import { MicProblem } from './MicProblem';
import { openChannelChat } from './open-channel-chat';
import { useOutlet } from './video-outlets';

// Short enough for one line beside the head's two buttons in the 240 px sidebar, even in a wide font (DejaVu): the
// panel's own label already says it is about voice.
const STATUS: Record<string, string> = {
  connecting: 'Connecting…',
  connected: 'Voice Connected',
  reconnecting: 'Reconnecting…',
  failed: 'Disconnected',
};

/** Shown while in (or joining) a voice channel: state, channel, quality and ping, and the disconnect button. A DM call has its own (CallPanel). */
export function VoicePanel() {
  const inCall = useVoice((s) => Boolean(s.target?.callId ?? s.current?.callId));
  const callShown = useCalls((s) => s.activeCallId !== null || s.outgoingResult !== null);
  if (inCall || callShown) return <CallPanel />;
  return <ChannelVoicePanel />;
}

function ChannelVoicePanel() {
  const connection = useVoice((s) => s.connection);
  const target = useVoice((s) => s.target);
  const current = useVoice((s) => s.current ?? s.target);
  const error = useVoice((s) => s.error);
  const quality = useVoice((s) => s.quality);
  const ping = useVoice((s) => s.pingMs);
  const leave = useVoice((s) => s.leave);
  const channel = useGuilds((s) => (current ? s.channelsByGuild[current.guildId]?.find((c) => c.id === current.channelId) : undefined));
  const guild = useGuilds((s) => (current ? s.guilds.find((g) => g.id === current.guildId) : undefined));
  const canVideo = useCan(current?.guildId, 'VIDEO', channel);
  const canStream = useCan(current?.guildId, 'STREAM', channel);
  // The server takes the microphone when SPEAK goes (a role, an overwrite) and gives it back when it returns; say why.
  const canSpeak = useCan(current?.guildId, 'SPEAK', channel);
  const controlsRef = useOutlet('controls', { canVideo, canStream });
  const statsRef = useOutlet('stats');
  if (!current || (connection === 'idle' && !target)) return null;
  const tone =
    connection === 'connected' ? (quality === 'poor' || quality === 'lost' ? 'warn' : 'ok') : connection === 'failed' ? 'bad' : 'warn';
  return (
    <section className="voice-panel" aria-label="Voice connection" data-state={connection}>
      <div className="voice-panel-head">
        <div className="voice-panel-main">
          <div className={`voice-status ${tone}`} role="status" aria-live="polite">
            <SignalIcon size={16} />
            <span>{STATUS[connection] ?? 'Voice'}</span>
          </div>
          <div className="voice-where muted small" title={`${channel?.name ?? ''} / ${guild?.name ?? ''}`}>
            {channel?.name ?? 'Voice'} / {guild?.name ?? ''}
          </div>
        </div>
        {channel && (
          <button
            type="button"
            // .channel-chat: in the narrow layout, the channel drawer closes on it (Shell's closeOn).
            className="icon-btn channel-chat"
            aria-label={`Open chat for ${channel.name}`}
            title="Open chat"
            onClick={() => openChannelChat(channel.guildId, channel.id)}
          >
            <ChatIcon />
          </button>
        )}
        <button type="button" className="icon-btn" aria-label="Disconnect from voice" title="Disconnect" onClick={leave}>
          <HangUpIcon />
        </button>
      </div>
      {/* Under the head, the panel's full width: quality, notices, the video stats and toggles, recording. */}
      {connection === 'connected' && (
        <div className="voice-stats muted small" aria-label="Connection quality">
          {quality !== 'unknown' ? `Quality: ${quality}` : 'Quality: measuring'}
          {ping !== null ? ` · ${ping} ms` : ''}
        </div>
      )}
      {connection === 'connected' && channel && !canSpeak && (
        <div className="voice-no-speak muted small">You do not have permission to speak in this channel.</div>
      )}
      {canSpeak && <MicProblem />}
      {/* Per-stream video stats and the camera / screen toggles (VideoStage.tsx, portalled while connected). */}
      <div ref={statsRef} className="video-stats-outlet" />
      <div ref={controlsRef} className="video-controls-outlet" />
      {error && (
        <div className="voice-error small" role="alert">
          {error}
        </div>
      )}
      <RecordControls />
    </section>
  );
}
