import { useEffect, useId, useRef } from 'react';
import { useSettings } from '../../app/services';

/** Context menu of a call participant: local volume 0–200 % and local mute, remembered per user. */
export function UserVolumeMenu({ userId, name, x, y, onClose }: { userId: string; name: string; x: number; y: number; onClose: () => void }) {
  const volume = useSettings((s) => s.userVolumes[userId] ?? 1);
  const muted = useSettings((s) => s.localMutes[userId] === true);
  const setUserVolume = useSettings((s) => s.setUserVolume);
  const setLocalMute = useSettings((s) => s.setLocalMute);
  const ref = useRef<HTMLDivElement>(null);
  const sliderId = useId();

  useEffect(() => {
    ref.current?.querySelector<HTMLInputElement>('input')?.focus();
    const onDown = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) onClose();
    };
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('mousedown', onDown);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('mousedown', onDown);
      window.removeEventListener('keydown', onKey);
    };
  }, [onClose]);

  const left = Math.min(x, window.innerWidth - 240);
  const top = Math.min(y, window.innerHeight - 140);
  return (
    <div ref={ref} className="context-menu" role="menu" aria-label={`${name} options`} style={{ left, top }}>
      <div className="menu-title">{name}</div>
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
      <label className="menu-check" role="menuitemcheckbox" aria-checked={muted}>
        <input type="checkbox" checked={muted} onChange={(e) => setLocalMute(userId, e.target.checked)} />
        Mute {name} for me
      </label>
    </div>
  );
}
