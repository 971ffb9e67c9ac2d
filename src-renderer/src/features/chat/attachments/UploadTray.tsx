import { CloseIcon } from '../../../ui/icons';
import { formatBytes } from './uploads.store';
import { uploadsStore, useUploads } from './uploads';
import './attachments.css';

/** The files waiting to go with the next message: name, size, progress or error, and a remove button each. */
export function UploadTray({ channelId }: { channelId: string }) {
  const uploads = useUploads(channelId);
  if (uploads.length === 0) return null;
  return (
    <ul className="upload-tray" aria-label="Files to send">
      {uploads.map((u) => (
        <li key={u.localId} className={`upload-item ${u.state}`}>
          <span className="upload-name" title={u.name}>
            {u.name}
          </span>
          <span className="upload-size muted">{formatBytes(u.size)}</span>
          {u.state === 'uploading' && (
            <progress max={1} value={u.progress} aria-label={`Uploading ${u.name}`}>
              {Math.round(u.progress * 100)} %
            </progress>
          )}
          {u.state === 'done' && <span className="upload-ok">Ready</span>}
          {u.state === 'failed' && (
            <span className="upload-error" role="alert">
              {u.error}
            </span>
          )}
          <button
            type="button"
            className="icon-btn small"
            aria-label={`Remove ${u.name}`}
            title="Remove"
            onClick={() => uploadsStore.getState().remove(channelId, u.localId)}
          >
            <CloseIcon size={14} />
          </button>
        </li>
      ))}
    </ul>
  );
}
