/** Largest box an image preview takes in the message list (the thumbnail is at most 400 px). */
const PREVIEW_MAX = 320;

/** Preview size that keeps the image's aspect ratio, so the row's height is known before the thumbnail loads. */
export function previewSize(width: number | null, height: number | null): { width: number; height: number } {
  if (!width || !height) return { width: PREVIEW_MAX, height: PREVIEW_MAX };
  const scale = Math.min(1, PREVIEW_MAX / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
