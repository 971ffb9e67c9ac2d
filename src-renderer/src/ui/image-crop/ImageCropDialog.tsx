import { useEffect, useId, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { Dialog } from '../Dialog';
import { cropForKey, initialCrop, MAX_ZOOM, MIN_ZOOM, moveBy, sourceSquare, zoomTo, type Crop } from './crop';
import './image-crop.css';

/** Side of the crop area on screen, in CSS pixels. */
const VIEWPORT = 256;
/** Side of the uploaded picture: what the server stores, so nothing is lost or wasted. */
export const OUTPUT_SIZE = 256;

type Bitmap = Awaited<ReturnType<typeof createImageBitmap>>;

function draw(canvas: HTMLCanvasElement | null, bitmap: Bitmap, crop: Crop, side: number): void {
  if (!canvas) return;
  const ratio = canvas.width / side;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const { sx, sy, size } = sourceSquare(crop);
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.imageSmoothingQuality = 'high';
  ctx.clearRect(0, 0, side, side);
  ctx.drawImage(bitmap, sx, sy, size, size, 0, 0, side, side);
}

/** The cropped square as a PNG, OUTPUT_SIZE² (canvas output carries no EXIF or other metadata). */
export function renderCrop(bitmap: Bitmap, crop: Crop): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = OUTPUT_SIZE;
  canvas.height = OUTPUT_SIZE;
  draw(canvas, bitmap, crop, OUTPUT_SIZE);
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('The picture could not be encoded'))), 'image/png'),
  );
}

/**
 * Square crop of a chosen image, for avatars (`shape: 'round'`) and server icons: drag the picture or use the arrow keys
 * to move it, the slider or +/- to zoom; a live preview shows the result at the sizes it appears in the app. Save
 * hands the cropped square (a PNG blob) to `onSave`, which answers an error message or null.
 */
export function ImageCropDialog({
  file,
  title,
  shape,
  onCancel,
  onSave,
}: {
  /** The chosen file; the dialog is open while it is set. */
  file: File | null;
  title: string;
  shape: 'round' | 'rounded-square';
  onCancel: () => void;
  onSave: (image: Blob) => Promise<string | null>;
}) {
  const [bitmap, setBitmap] = useState<Bitmap | null>(null);
  const [crop, setCrop] = useState<Crop | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const areaRef = useRef<HTMLCanvasElement>(null);
  const previewLarge = useRef<HTMLCanvasElement>(null);
  const previewSmall = useRef<HTMLCanvasElement>(null);
  const drag = useRef<{ x: number; y: number } | null>(null);
  const ids = { hint: useId(), zoom: useId(), preview: useId() };

  // The picker mounts a new dialog per chosen file (its key), so this decodes each file into fresh state.
  useEffect(() => {
    if (!file) return;
    let live = true;
    let decoded: Bitmap | null = null;
    createImageBitmap(file).then(
      (b) => {
        decoded = b;
        if (!live) return b.close();
        setBitmap(b);
        setCrop(initialCrop(b.width, b.height, VIEWPORT));
      },
      () => live && setError('That file is not a picture this app can read. Choose a PNG, JPEG, WebP or GIF image.'),
    );
    return () => {
      live = false;
      decoded?.close();
    };
  }, [file]);

  useEffect(() => {
    if (!bitmap || !crop) return;
    draw(areaRef.current, bitmap, crop, VIEWPORT);
    draw(previewLarge.current, bitmap, crop, 80);
    draw(previewSmall.current, bitmap, crop, 32);
  }, [bitmap, crop]);

  const dpr = typeof window === 'undefined' ? 1 : Math.min(2, window.devicePixelRatio || 1);
  const canvasProps = (side: number) => ({
    width: Math.round(side * dpr),
    height: Math.round(side * dpr),
    style: { width: side, height: side },
  });

  const onPointerDown = (e: ReactPointerEvent<HTMLCanvasElement>) => {
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { x: e.clientX, y: e.clientY };
  };
  const onPointerMove = (e: ReactPointerEvent<HTMLCanvasElement>) => {
    const from = drag.current;
    if (!from || !crop) return;
    drag.current = { x: e.clientX, y: e.clientY };
    setCrop(moveBy(crop, e.clientX - from.x, e.clientY - from.y));
  };
  const endDrag = () => {
    drag.current = null;
  };

  const save = async () => {
    if (!bitmap || !crop) return;
    setBusy(true);
    setError(null);
    try {
      const failure = await onSave(await renderCrop(bitmap, crop));
      if (failure) setError(failure);
    } catch (err) {
      setError(err instanceof Error ? err.message : 'The picture could not be saved.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={file !== null} onClose={onCancel} title={title} className="image-crop-dialog">
      <div className="modal-body">
        {crop && bitmap ? (
          <div className="image-crop">
            <div className={`crop-area ${shape}`}>
              <canvas
                ref={areaRef}
                {...canvasProps(VIEWPORT)}
                tabIndex={0}
                role="img"
                aria-label="Crop area"
                aria-describedby={ids.hint}
                data-testid="crop-area"
                onPointerDown={onPointerDown}
                onPointerMove={onPointerMove}
                onPointerUp={endDrag}
                onPointerCancel={endDrag}
                onKeyDown={(e) => {
                  const next = cropForKey(crop, e.key, e.shiftKey);
                  if (!next) return;
                  e.preventDefault();
                  setCrop(next);
                }}
              />
              <span className="crop-mask" aria-hidden="true" />
            </div>
            <div className="crop-side">
              <p id={ids.hint} className="muted small">
                Drag the picture or use the arrow keys to move it; the slider or + and − zoom.
              </p>
              <div className="field">
                <label htmlFor={ids.zoom}>Zoom</label>
                <input
                  id={ids.zoom}
                  type="range"
                  min={MIN_ZOOM}
                  max={MAX_ZOOM}
                  step={0.01}
                  value={crop.zoom}
                  aria-valuetext={`${Math.round(crop.zoom * 100)} %`}
                  onChange={(e) => setCrop(zoomTo(crop, Number(e.target.value)))}
                />
              </div>
              <div className="crop-preview" role="group" aria-labelledby={ids.preview}>
                <span id={ids.preview} className="label">
                  Preview
                </span>
                <div className="crop-preview-row">
                  <canvas ref={previewLarge} className={shape} {...canvasProps(80)} aria-hidden="true" />
                  <canvas ref={previewSmall} className={shape} {...canvasProps(32)} aria-hidden="true" />
                </div>
              </div>
            </div>
          </div>
        ) : (
          !error && <p className="muted">Opening the picture…</p>
        )}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="confirm-actions">
          <button type="button" className="btn secondary" onClick={onCancel}>
            Cancel
          </button>
          <button type="button" className="btn primary" disabled={!crop || busy} onClick={() => void save()}>
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
