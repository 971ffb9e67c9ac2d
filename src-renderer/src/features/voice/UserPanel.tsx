import { useCallback, useRef, useState } from 'react';
import { useAuth, useGuilds, useUi, useVoice } from '../../app/services';
import { Avatar } from '../../ui/Avatar';
import { selfDisplayStatus, STATUS_LABEL } from '../../ui/status';
import { StatusMenu } from '../account/StatusMenu';
import { useCan } from '../guilds/usePermissions';
import { GearIcon, HeadphonesIcon, HeadphonesOffIcon, MicIcon, MicOffIcon } from '../../ui/icons';

/**
 * Bottom of the channel column: who you are (click for the status menu), and mute / deafen / settings, always one
 * click away.
 */
export function UserPanel() {
  const user = useAuth((s) => s.user);
  const presence = useGuilds((s) => (user ? s.presence[user.id] : undefined));
  const [statusOpen, setStatusOpen] = useState(false);
  const chipRef = useRef<HTMLButtonElement>(null);
  const closeStatus = useCallback(() => {
    setStatusOpen(false);
    chipRef.current?.focus();
  }, []);
  const selfMute = useVoice((s) => s.selfMute);
  const selfDeaf = useVoice((s) => s.selfDeaf);
  const serverMute = useVoice((s) => s.serverMute);
  const serverDeaf = useVoice((s) => s.serverDeaf);
  const transmitting = useVoice((s) => s.transmitting && s.connection === 'connected');
  const toggleMute = useVoice((s) => s.toggleMute);
  const toggleDeafen = useVoice((s) => s.toggleDeafen);
  const open = useUi((s) => s.open);
  // In a guild voice channel without SPEAK the server keeps the microphone off: the mic shows off, saying why.
  const voiceAt = useVoice((s) => (s.connection === 'connected' && !s.current?.callId ? s.current : null));
  const voiceChannel = useGuilds((s) =>
    voiceAt ? s.channelsByGuild[voiceAt.guildId]?.find((c) => c.id === voiceAt.channelId) : undefined,
  );
  const noSpeak = !useCan(voiceAt?.guildId, 'SPEAK', voiceChannel) && voiceChannel !== undefined;
  if (!user) return null;
  const muted = selfMute || selfDeaf;
  const status = selfDisplayStatus(user.status, presence);
  return (
    <section className="user-panel" aria-label="User controls">
      {statusOpen && <StatusMenu current={user.status} onClose={closeStatus} />}
      <button
        ref={chipRef}
        type="button"
        className="user-chip"
        aria-haspopup="menu"
        aria-expanded={statusOpen}
        title="Set status"
        data-status={status}
        onClick={() => setStatusOpen((o) => !o)}
      >
        <Avatar id={user.id} name={user.displayName} avatar={user.avatar} size={32} speaking={transmitting} status={status} />
        <span className="user-chip-text">
          <span className="user-chip-name">{user.displayName}</span>
          {serverMute || serverDeaf ? (
            <span className="user-chip-sub server-moderated" role="status">
              {serverDeaf ? 'Server deafened' : 'Server muted'}
            </span>
          ) : (
            <span className="user-chip-sub">@{user.username}</span>
          )}
          <span className="sr-only">, {STATUS_LABEL[status]}, set status</span>
        </span>
      </button>
      <div className="user-buttons">
        <button
          type="button"
          className={`icon-btn${muted || serverMute || noSpeak ? ' danger' : ''}`}
          aria-label={muted ? 'Unmute' : 'Mute'}
          aria-pressed={muted}
          data-voice-mute
          aria-describedby={noSpeak ? 'user-panel-no-speak' : undefined}
          title={
            serverMute
              ? 'Server muted by a moderator'
              : noSpeak
                ? 'You do not have permission to speak in this channel'
                : muted
                  ? 'Unmute'
                  : 'Mute'
          }
          onClick={toggleMute}
        >
          {muted || serverMute || noSpeak ? <MicOffIcon /> : <MicIcon />}
        </button>
        {noSpeak && (
          <span id="user-panel-no-speak" className="sr-only">
            You do not have permission to speak in this channel
          </span>
        )}
        <button
          type="button"
          className={`icon-btn${selfDeaf || serverDeaf ? ' danger' : ''}`}
          aria-label={selfDeaf ? 'Undeafen' : 'Deafen'}
          aria-pressed={selfDeaf}
          title={serverDeaf ? 'Server deafened by a moderator' : selfDeaf ? 'Undeafen' : 'Deafen'}
          onClick={toggleDeafen}
        >
          {selfDeaf || serverDeaf ? <HeadphonesOffIcon /> : <HeadphonesIcon />}
        </button>
        <button
          type="button"
          className="icon-btn"
          aria-label="User settings"
          title="User settings"
          onClick={() => open({ kind: 'settings', tab: 'voice' })}
        >
          <GearIcon />
        </button>
      </div>
    </section>
  );
}
