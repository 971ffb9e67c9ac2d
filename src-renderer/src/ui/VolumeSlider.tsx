/**
 * A playback volume slider, 0–200 % in 5 % steps, as Discord's user and stream volumes. `volume` is a gain (1 = 100 %);
 * the slider shows and announces it in percent. Name it with `id` (for a <label htmlFor>) or `aria-label`.
 */
export function VolumeSlider({
  volume,
  onChange,
  id,
  className,
  'aria-label': ariaLabel,
}: {
  volume: number;
  onChange: (volume: number) => void;
  id?: string;
  className?: string;
  'aria-label'?: string;
}) {
  const percent = Math.round(volume * 100);
  return (
    <input
      id={id}
      type="range"
      className={className}
      aria-label={ariaLabel}
      min={0}
      max={200}
      step={5}
      value={percent}
      onChange={(e) => onChange(Number(e.target.value) / 100)}
      aria-valuetext={`${percent} percent`}
    />
  );
}
