import { useId } from 'react';
import { useSettings } from '../../app/services';
import { Dialog } from '../../ui/Dialog';

/**
 * Options of a call participant, opened from their row (right click, or Enter / the context-menu key): local volume
 * 0–200 % and local mute, remembered per user. A small modal popover: focus goes to the slider, Escape or a click
 * outside closes it and focus returns to the row.
 */
export function UserVolumeMenu({ userId, name, x, y, onClose }: { userId: string; name: string; x: number; y: number; onClose: () => void }) {
  const volume = useSettings((s) => s.userVolumes[userId] ?? 1);
  const muted = useSettings((s) => s.localMutes[userId] === true);
  const setUserVolume = useSettings((s) => s.setUserVolume);
  const setLocalMute = useSettings((s) => s.setLocalMute);
  const sliderId = useId();

  const left = Math.max(8, Math.min(x, window.innerWidth - 248));
  const top = Math.max(8, Math.min(y, window.innerHeight - 180));
  return (
    <Dialog open onClose={onClose} title={`${name} options`} size="popover" style={{ left, top }}>
      <div className="popover-body">
        <label htmlFor={sliderId} className="menu-label">
          User volume <span>{Math.round(volume * 100)}%</span>
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
        <label className="menu-check">
          <input type="checkbox" checked={muted} onChange={(e) => setLocalMute(userId, e.target.checked)} />
          Mute {name} for me
        </label>
      </div>
    </Dialog>
  );
}
