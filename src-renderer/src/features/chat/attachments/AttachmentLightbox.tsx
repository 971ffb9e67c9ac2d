import type { KeyboardEvent } from 'react';
import { Dialog } from '../../../ui/Dialog';

export interface LightboxImage {
  id: string;
  filename: string;
  src: string;
  download: string;
}

/**
 * A message's images, one at a time, full size (loaded on first use). Escape closes (Dialog), ← and → move between
 * the message's images, and focus returns to the thumbnail that opened it.
 */
export default function AttachmentLightbox({
  images,
  index,
  onIndex,
  onClose,
}: {
  images: readonly LightboxImage[];
  index: number;
  onIndex: (i: number) => void;
  onClose: () => void;
}) {
  const image = images[index];
  if (!image) return null;
  const many = images.length > 1;
  const go = (delta: number) => onIndex((index + delta + images.length) % images.length);
  const onKeyDown = (e: KeyboardEvent) => {
    if (!many) return;
    if (e.key === 'ArrowRight') {
      e.preventDefault();
      go(1);
    } else if (e.key === 'ArrowLeft') {
      e.preventDefault();
      go(-1);
    }
  };
  return (
    <Dialog open onClose={onClose} title={image.filename} size="wide" className="lightbox">
      <div className="lightbox-body" onKeyDown={onKeyDown}>
        <img src={image.src} alt={image.filename} className="lightbox-image" />
        <div className="lightbox-bar">
          {many && (
            <button type="button" className="btn" onClick={() => go(-1)} aria-label="Previous image">
              ←
            </button>
          )}
          {many && (
            <span className="muted" aria-live="polite">
              {index + 1} / {images.length}
            </span>
          )}
          {many && (
            <button type="button" className="btn" onClick={() => go(1)} aria-label="Next image" data-autofocus>
              →
            </button>
          )}
          <a className="btn" href={image.download} download={image.filename}>
            Download
          </a>
        </div>
      </div>
    </Dialog>
  );
}
