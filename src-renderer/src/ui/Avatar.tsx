import type { DisplayStatus } from './status';
import { useState } from 'react';
import { api } from '../app/services';

/**
 * The user's picture when they set one, else an initial-letter avatar with a colour derived from the user id (stable across sessions and clients). The fills are
 * dark enough for white letters (≥ 4.5:1); names use the matching `--name-N` colour of the theme (light tints on
 * dark, dark tints on light), so both stay readable.
 */
const COLORS = ['#4752c4', '#2d7d46', '#a85d00', '#c0392b', '#b8307a', '#7d3c98', '#117a65', '#a04000'];

function hueIndex(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return h % COLORS.length;
}

/** A fill for white text (avatars, the selected guild's icon). */
export function colorFor(id: string): string {
  return COLORS[hueIndex(id)] ?? '#4752c4';
}

/** A text colour for a name on the theme's surfaces (a CSS variable, so it follows the theme). */
export function nameColorFor(id: string): string {
  return `var(--name-${hueIndex(id)})`;
}

/**
 * Always shown beside the name it belongs to, so it is hidden from assistive technology (the picture has an empty
 * alt): the name is read once, from the text. An image that fails to load (a hash replaced a moment ago) falls back to
 * the initial.
 */
export function Avatar({
  id,
  name,
  avatar = null,
  size = 32,
  speaking = false,
  status,
}: {
  id: string;
  name: string;
  /** The user's avatar hash (User.avatar), or null for the initial. */
  avatar?: string | null;
  size?: number;
  speaking?: boolean;
  /** A presence dot; its shape differs per status too (a crescent for idle, a bar for do not disturb, a ring when offline or invisible), and its words are the caller's to give (STATUS_LABEL). */
  status?: DisplayStatus;
}) {
  const src = avatar ? api().images.avatarUrl(id, avatar) : null;
  const [failed, setFailed] = useState<string | null>(null);
  const showImage = src !== null && failed !== src;
  return (
    <span
      className={`avatar${speaking ? ' speaking' : ''}${showImage ? ' has-image' : ''}`}
      style={{ width: size, height: size, background: colorFor(id), fontSize: Math.round(size * 0.42) }}
      aria-hidden="true"
      data-avatar={showImage ? avatar : undefined}
    >
      {showImage ? (
        <img src={src} alt="" width={size} height={size} draggable={false} onError={() => setFailed(src)} />
      ) : (
        (name.trim()[0] ?? '?').toUpperCase()
      )}
      {status && <span className={`presence-dot ${status}`} />}
    </span>
  );
}
