import { useRef, useState } from 'react';
import { ImageCropDialog } from './ImageCropDialog';

const ACCEPT = 'image/png,image/jpeg,image/webp,image/gif';

/**
 * A button that opens the system's file chooser for a picture, then the crop dialog for it. The file input itself is
 * hidden (the button is what the keyboard reaches); its accessible name is the button's label.
 */
export function ImageFilePicker({
  label,
  dialogTitle,
  shape,
  onSave,
}: {
  label: string;
  dialogTitle: string;
  shape: 'round' | 'rounded-square';
  /** Gets the cropped square; answers an error message (shown in the dialog) or null (the dialog closes). */
  onSave: (image: Blob) => Promise<string | null>;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [picks, setPicks] = useState(0);
  return (
    <>
      <button type="button" className="btn primary" onClick={() => input.current?.click()}>
        {label}
      </button>
      <input
        ref={input}
        type="file"
        accept={ACCEPT}
        hidden
        aria-label={label}
        onChange={(e) => {
          setFile(e.target.files?.[0] ?? null);
          setPicks((n) => n + 1);
          // The same file chosen again must open the dialog again.
          e.target.value = '';
        }}
      />
      <ImageCropDialog
        // A fresh dialog (no picture, crop or error of the last one) for every file chosen.
        key={picks}
        file={file}
        title={dialogTitle}
        shape={shape}
        onCancel={() => setFile(null)}
        onSave={async (image) => {
          const failure = await onSave(image);
          if (!failure) setFile(null);
          return failure;
        }}
      />
    </>
  );
}
