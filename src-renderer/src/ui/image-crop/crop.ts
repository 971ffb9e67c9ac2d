/**
 * The crop of a square picture out of an image, as the crop dialog shows it: the image is drawn in a square viewport
 * of `viewport` pixels, scaled so it always covers the viewport (zoom 1 = the shorter side fills it), and moved by
 * `x`/`y` (its top-left corner relative to the viewport's, so ≤ 0). Pure functions: every change returns a new,
 * clamped crop.
 */
export interface Crop {
  /** The image's natural size, in its own pixels. */
  imageWidth: number;
  imageHeight: number;
  /** Side of the square viewport, in display pixels. */
  viewport: number;
  /** 1 … MAX_ZOOM. */
  zoom: number;
  /** The image's top-left corner in viewport pixels (≤ 0: the image always covers the viewport). */
  x: number;
  y: number;
}

export const MIN_ZOOM = 1;
export const MAX_ZOOM = 4;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Display pixels per image pixel. */
export function scaleOf(c: Pick<Crop, 'imageWidth' | 'imageHeight' | 'viewport' | 'zoom'>): number {
  return (c.viewport / Math.min(c.imageWidth, c.imageHeight)) * c.zoom;
}

/** The same crop moved back so the image covers the viewport, with the zoom in range. */
export function clampCrop(c: Crop): Crop {
  const zoom = clamp(Number.isFinite(c.zoom) ? c.zoom : MIN_ZOOM, MIN_ZOOM, MAX_ZOOM);
  const s = scaleOf({ ...c, zoom });
  const x = clamp(c.x, c.viewport - c.imageWidth * s, 0);
  const y = clamp(c.y, c.viewport - c.imageHeight * s, 0);
  return { ...c, zoom, x, y };
}

/** Zoom 1, centred: the largest centred square. */
export function initialCrop(imageWidth: number, imageHeight: number, viewport: number): Crop {
  const s = scaleOf({ imageWidth, imageHeight, viewport, zoom: 1 });
  return clampCrop({ imageWidth, imageHeight, viewport, zoom: 1, x: (viewport - imageWidth * s) / 2, y: (viewport - imageHeight * s) / 2 });
}

export function moveBy(c: Crop, dx: number, dy: number): Crop {
  return clampCrop({ ...c, x: c.x + dx, y: c.y + dy });
}

/** A new zoom, keeping the image point under the viewport's centre where it is (as far as the edges allow). */
export function zoomTo(c: Crop, zoom: number): Crop {
  const next = clamp(zoom, MIN_ZOOM, MAX_ZOOM);
  const ratio = scaleOf({ ...c, zoom: next }) / scaleOf(c);
  const mid = c.viewport / 2;
  return clampCrop({ ...c, zoom: next, x: mid - (mid - c.x) * ratio, y: mid - (mid - c.y) * ratio });
}

/** The square of the image the viewport shows, in image pixels (what gets drawn into the uploaded picture). */
export function sourceSquare(c: Crop): { sx: number; sy: number; size: number } {
  const s = scaleOf(c);
  // 0 - v, not -v: a crop at the edge is sx 0, not -0.
  return { sx: 0 - c.x / s, sy: 0 - c.y / s, size: c.viewport / s };
}

/** Arrow keys move by `step` display pixels (Shift: 4×); + and - zoom by `zoomStep`. Null for other keys. */
export function cropForKey(c: Crop, key: string, shift: boolean, step = 8, zoomStep = 0.1): Crop | null {
  const d = shift ? step * 4 : step;
  switch (key) {
    case 'ArrowLeft':
      return moveBy(c, d, 0);
    case 'ArrowRight':
      return moveBy(c, -d, 0);
    case 'ArrowUp':
      return moveBy(c, 0, d);
    case 'ArrowDown':
      return moveBy(c, 0, -d);
    case '+':
    case '=':
      return zoomTo(c, c.zoom + zoomStep);
    case '-':
    case '_':
      return zoomTo(c, c.zoom - zoomStep);
    default:
      return null;
  }
}
