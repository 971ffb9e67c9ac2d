import { useId } from 'react';
import { useSettings } from '../../app/services';
import { VolumeSlider } from '../../ui/VolumeSlider';

/**
 * Per-user playback controls of a call participant: local volume 0–200 % and local mute, remembered per user. Shown
 * beside the participant's member menu (features/members/MemberMenu.tsx), as a group of its own.
 */
export function UserVolumeControls({ userId, name }: { userId: string; name: string }) {
  const volume = useSettings((s) => s.userVolumes[userId] ?? 1);
  const muted = useSettings((s) => s.localMutes[userId] === true);
  const setUserVolume = useSettings((s) => s.setUserVolume);
  const setLocalMute = useSettings((s) => s.setLocalMute);
  const sliderId = useId();
  return (
    <div role="group" aria-label="Volume" className="menu-group">
      <label htmlFor={sliderId} className="menu-label">
        User volume <span className="muted">{Math.round(volume * 100)}%</span>
      </label>
      <VolumeSlider id={sliderId} volume={volume} onChange={(next) => setUserVolume(userId, next)} />
      <button type="button" aria-pressed={muted} className="menu-item" onClick={() => setLocalMute(userId, !muted)}>
        <span className="menu-checkbox" aria-hidden="true">
          {muted ? '✓' : ''}
        </span>
        Mute {name} for me
      </button>
    </div>
  );
}
