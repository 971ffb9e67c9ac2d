/** Initial-letter avatar with a colour derived from the user id (stable across sessions and clients). */
const COLORS = ['#5865f2', '#3ba55c', '#faa61a', '#ed4245', '#eb459e', '#9b59b6', '#1abc9c', '#e67e22'];

export function colorFor(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return COLORS[h % COLORS.length] ?? '#5865f2';
}

export function Avatar({
  id,
  name,
  size = 32,
  speaking = false,
  status,
}: {
  id: string;
  name: string;
  size?: number;
  speaking?: boolean;
  status?: 'online' | 'idle' | 'offline';
}) {
  return (
    <span
      className={`avatar${speaking ? ' speaking' : ''}`}
      style={{ width: size, height: size, background: colorFor(id), fontSize: Math.round(size * 0.42) }}
      aria-hidden="true"
    >
      {(name.trim()[0] ?? '?').toUpperCase()}
      {status && <span className={`presence-dot ${status}`} />}
    </span>
  );
}
