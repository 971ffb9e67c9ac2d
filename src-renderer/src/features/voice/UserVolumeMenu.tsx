import { useId } from 'react';
import { useSettings } from '../../app/services';

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
      <input
        id={sliderId}
        type="range"
        min={0}
        max={200}
        step={5}
        value={Math.round(volume * 100)}
        onChange={(e) => setUserVolume(userId, Number(e.target.value) / 100)}
        aria-valuetext={`${Math.round(volume * 100)} percent`}
      />
      <button type="button" aria-pressed={muted} className="menu-item" onClick={() => setLocalMute(userId, !muted)}>
        <span className="menu-checkbox" aria-hidden="true">
          {muted ? '✓' : ''}
        </span>
        Mute {name} for me
      </button>
    </div>
  );
}
