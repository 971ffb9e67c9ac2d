import { HeadphonesOffIcon, MicOffIcon } from '../../ui/icons';
import type { Occupant } from './useVoiceOccupants';

/** Muted / deafened marks of someone in voice (server-imposed ones styled apart), read out by their labels. */
export function VoiceUserIcons({ occupant: o, size }: { occupant: Occupant; size: number }) {
  return (
    <span className="voice-user-icons">
      {o.muted && (
        <span className={o.serverMute ? 'server' : ''} role="img" aria-label={o.serverMute ? 'Server muted' : 'Muted'}>
          <MicOffIcon size={size} />
        </span>
      )}
      {o.deaf && (
        <span className={o.serverDeaf ? 'server' : ''} role="img" aria-label={o.serverDeaf ? 'Server deafened' : 'Deafened'}>
          <HeadphonesOffIcon size={size} />
        </span>
      )}
    </span>
  );
}
