import { HeadphonesOffIcon, MicOffIcon, VideoCameraIcon } from '../../ui/icons';
import type { Occupant } from './useVoiceOccupants';

function liveLabel(viewers: number): string {
  return `Live: sharing their screen${viewers > 0 ? `, ${viewers} watching` : ''}`;
}

/**
 * Marks of someone in voice, read out by their labels: a LIVE badge while they share their screen (naming how many
 * watch it), a camera while it is on, and muted / deafened (server-imposed ones styled apart, as is having no SPEAK in
 * the channel).
 */
export function VoiceUserIcons({ occupant: o, size }: { occupant: Occupant; size: number }) {
  return (
    <span className="voice-user-icons">
      {o.streaming && (
        <span className="voice-live-badge" role="img" aria-label={liveLabel(o.viewers)} title={liveLabel(o.viewers)}>
          LIVE
        </span>
      )}
      {o.video && (
        <span role="img" aria-label="Camera on">
          <VideoCameraIcon size={size} />
        </span>
      )}
      {(o.muted || o.cannotSpeak) && (
        <span
          className={o.serverMute || o.cannotSpeak ? 'server' : ''}
          role="img"
          aria-label={o.serverMute ? 'Server muted' : o.cannotSpeak ? 'No permission to speak here' : 'Muted'}
        >
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
