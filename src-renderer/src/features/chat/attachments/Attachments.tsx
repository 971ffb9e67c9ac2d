import type { Attachment } from '@shared/api/attachments';
import { lazy, Suspense, useState } from 'react';
import { api } from '../../../app/services';
import { FileIcon } from '../../../ui/icons';
import { useAttachmentTicket } from './attachment-tickets';
import { previewSize } from './preview-size';
import { formatBytes } from './uploads.store';
import './attachments.css';

const AttachmentLightbox = lazy(() => import('./AttachmentLightbox'));

/**
 * A message's files: images as thumbnails (a button each, opening the lightbox), audio and video with the browser's
 * own controls, anything else as a download card. URLs carry the channel's file ticket (an <img> sends no Bearer).
 */
export function Attachments({ channelId, attachments }: { channelId: string; attachments: readonly Attachment[] }) {
  // Most messages have none: they mount nothing, and no ticket is asked for a channel without files.
  return attachments.length === 0 ? null : <AttachmentList channelId={channelId} attachments={attachments} />;
}

function AttachmentList({ channelId, attachments }: { channelId: string; attachments: readonly Attachment[] }) {
  const ticket = useAttachmentTicket(channelId);
  const [open, setOpen] = useState<number | null>(null);
  const images = attachments.filter((a) => a.kind === 'image');
  const url = (a: Attachment, opts: { thumb?: boolean; download?: boolean } = {}) =>
    ticket ? api().attachments.fileUrl(a.id, ticket, opts) : undefined;
  return (
    <div className="attachments">
      {images.length > 0 && (
        <div className="attachment-images">
          {images.map((a, i) => {
            const size = previewSize(a.width, a.height);
            return (
              <button
                key={a.id}
                type="button"
                className="attachment-image"
                style={{ width: size.width, height: size.height }}
                aria-label={`Open image ${a.filename}`}
                onClick={() => setOpen(i)}
              >
                {ticket && (
                  <img src={url(a, { thumb: a.thumbnail })} alt={a.filename} width={size.width} height={size.height} loading="lazy" />
                )}
              </button>
            );
          })}
        </div>
      )}
      {attachments
        .filter((a) => a.kind !== 'image')
        .map((a) =>
          a.kind === 'audio' ? (
            <figure key={a.id} className="attachment-card attachment-media">
              <figcaption>
                <a href={url(a, { download: true })} download={a.filename}>
                  {a.filename}
                </a>{' '}
                <span className="muted">{formatBytes(a.size)}</span>
              </figcaption>
              {ticket && <audio controls preload="none" src={url(a)} aria-label={a.filename} />}
            </figure>
          ) : a.kind === 'video' ? (
            <figure key={a.id} className="attachment-card attachment-media">
              <figcaption>
                <a href={url(a, { download: true })} download={a.filename}>
                  {a.filename}
                </a>{' '}
                <span className="muted">{formatBytes(a.size)}</span>
              </figcaption>
              {ticket && <video controls preload="metadata" src={url(a)} aria-label={a.filename} width={320} height={180} />}
            </figure>
          ) : (
            <div key={a.id} className="attachment-card attachment-file">
              <FileIcon size={28} className="muted" />
              <div>
                <a href={url(a, { download: true })} download={a.filename} className="attachment-file-name">
                  {a.filename}
                </a>
                <div className="muted">{formatBytes(a.size)}</div>
              </div>
            </div>
          ),
        )}
      {open !== null && ticket && (
        <Suspense fallback={null}>
          <AttachmentLightbox
            images={images.map((a) => ({ id: a.id, filename: a.filename, src: url(a)!, download: url(a, { download: true })! }))}
            index={open}
            onIndex={setOpen}
            onClose={() => setOpen(null)}
          />
        </Suspense>
      )}
    </div>
  );
}
