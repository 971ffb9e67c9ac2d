import type { Embed } from '@shared/api/messages';
import { useState } from 'react';
import { ExternalLink } from './markdown/ExternalLink';
import { safeHref } from './markdown/parse';
import type { ChatMessage } from './message-merge';
import './link-embed.css';

/**
 * One link preview: site, title (a link, through the same safe-link path as links in the text: a confirmation and the
 * main process's allow-list in the desktop app) and description. Text only: the server fetches no images, so the
 * client never loads a picture from a site a message names.
 */
function LinkEmbed({ embed }: { embed: Embed }) {
  const href = safeHref(embed.url);
  const title = embed.title ?? embed.url;
  return (
    <div className="link-embed">
      {embed.siteName && <div className="link-embed-site">{embed.siteName}</div>}
      <div className="link-embed-title">{href ? <ExternalLink href={href}>{title}</ExternalLink> : title}</div>
      {embed.description && <p className="link-embed-description">{embed.description}</p>}
    </div>
  );
}

/**
 * A message's link previews, with a "Remove link previews" button when `onRemove` is given (its author and
 * moderators with MANAGE_MESSAGES; the server checks that again). Removing is for good, so nothing changes here until
 * the server's MESSAGE_UPDATE.
 */
export function LinkEmbeds({ message: m, onRemove }: { message: ChatMessage; onRemove: (() => Promise<void>) | null }) {
  const [busy, setBusy] = useState(false);
  if (m.suppressEmbeds || m.embeds.length === 0) return null;
  const remove = async () => {
    setBusy(true);
    try {
      await onRemove?.();
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="link-embeds">
      {m.embeds.map((e) => (
        <div className="link-embed-row" key={e.url}>
          <LinkEmbed embed={e} />
        </div>
      ))}
      {onRemove && (
        <button
          type="button"
          className="link-embed-remove"
          aria-label="Remove link previews"
          title="Remove link previews"
          disabled={busy}
          onClick={() => void remove()}
        >
          <span aria-hidden="true">×</span>
        </button>
      )}
    </div>
  );
}
