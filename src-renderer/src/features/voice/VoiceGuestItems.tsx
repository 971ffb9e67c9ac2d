import { describeError } from '../../api/http-client';
import type { Channel } from '../../api/types';
import { api, uiStore, voicePresenceStore } from '../../app/services';
import { Avatar } from '../../ui/Avatar';
import { CloseIcon, MicIcon, MicOffIcon } from '../../ui/icons';
import { useCan } from '../guilds/usePermissions';
import type { GuestOccupant } from './useVoiceOccupants';

/**
 * The voice widget's guests as rows of a voice channel's list: a name, a "guest" badge, a speaking ring and a mark when
 * a moderator muted them. No member menu (a guest has no profile to open and cannot be messaged); a moderator with
 * MUTE_MEMBERS gets a Mute / Unmute button, one with MOVE_MEMBERS a Disconnect button.
 */
export function VoiceGuestItems({ channel, guests }: { channel: Channel; guests: GuestOccupant[] }) {
  const canDisconnect = useCan(channel.guildId, 'MOVE_MEMBERS', channel);
  const canMute = useCan(channel.guildId, 'MUTE_MEMBERS', channel);
  const setMute = async (guest: GuestOccupant, serverMute: boolean) => {
    try {
      const after = await api().embed.muteGuest(channel.guildId, guest.identity, serverMute);
      // Shown now, not only when the gateway's VOICE_GUEST_UPDATE arrives.
      voicePresenceStore.getState().setGuest({ ...after, connected: true });
      uiStore.getState().toast('info', serverMute ? `${guest.name} was muted.` : `${guest.name} was unmuted.`);
    } catch (err) {
      uiStore.getState().toast('error', describeError(err));
    }
  };
  const disconnect = async (guest: GuestOccupant) => {
    try {
      await api().embed.disconnectGuest(channel.guildId, guest.identity);
      uiStore.getState().toast('info', `${guest.name} was disconnected.`);
    } catch (err) {
      uiStore.getState().toast('error', describeError(err));
    }
  };
  return (
    <>
      {guests.map((g) => (
        <li
          key={g.identity}
          className={`voice-user guest${g.speaking ? ' speaking' : ''}`}
          data-guest-identity={g.identity}
          data-speaking={g.speaking}
        >
          <Avatar id={g.identity} name={g.name} size={22} speaking={g.speaking} />
          <span className="voice-user-name">{g.name}</span>
          <span className="voice-guest-badge">guest</span>
          {g.serverMute && !canMute && (
            <span className="voice-user-icons">
              <span className="server" role="img" aria-label="Server muted">
                <MicOffIcon size={14} />
              </span>
            </span>
          )}
          {canMute && (
            <button
              type="button"
              className={`icon-btn small voice-guest-mute${g.serverMute ? ' danger' : ''}`}
              aria-label={`Server mute ${g.name}`}
              aria-pressed={g.serverMute}
              title={g.serverMute ? `Server muted: unmute ${g.name}` : `Mute ${g.name} for everyone`}
              onClick={() => void setMute(g, !g.serverMute)}
            >
              {g.serverMute ? <MicOffIcon size={12} /> : <MicIcon size={12} />}
            </button>
          )}
          {canDisconnect && (
            <button
              type="button"
              className="icon-btn small voice-guest-disconnect"
              aria-label={`Disconnect ${g.name}`}
              title={`Disconnect ${g.name}`}
              onClick={() => void disconnect(g)}
            >
              <CloseIcon size={12} />
            </button>
          )}
        </li>
      ))}
    </>
  );
}
