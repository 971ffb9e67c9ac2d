import { describeError } from '../../api/http-client';
import type { Channel } from '../../api/types';
import { api, uiStore } from '../../app/services';
import { Avatar } from '../../ui/Avatar';
import { CloseIcon } from '../../ui/icons';
import { useCan } from '../guilds/usePermissions';
import type { GuestOccupant } from './useVoiceOccupants';

/**
 * The voice widget's guests as rows of a voice channel's list: a name, a "guest" badge and a speaking ring. No member
 * menu (a guest has no profile to open and cannot be messaged); a moderator with MOVE_MEMBERS gets a Disconnect button.
 */
export function VoiceGuestItems({ channel, guests }: { channel: Channel; guests: GuestOccupant[] }) {
  const canDisconnect = useCan(channel.guildId, 'MOVE_MEMBERS', channel);
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
