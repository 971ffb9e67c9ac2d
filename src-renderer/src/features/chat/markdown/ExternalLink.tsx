import { useState, type MouseEvent, type ReactNode } from 'react';
import { platform } from '../../../platform/platform';
import { ConfirmDialog } from '../../../ui/ConfirmDialog';

/**
 * A link from a message (href already passed safeHref: http, https or mailto). On the web it is an ordinary link that
 * opens in a new tab. In the desktop app a click first asks "Leaving Parley — open <host>?", then hands the URL to
 * the main process, which opens it in the system browser only if its own scheme allow-list agrees.
 */
export function ExternalLink({ href, children }: { href: string; children: ReactNode }) {
  const [confirming, setConfirming] = useState(false);
  // Middle click (auxclick) too: otherwise it would reach main's window-open handler without the question.
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (!platform().openExternal || e.button > 1) return;
    e.preventDefault();
    setConfirming(true);
  };
  const url = new URL(href);
  const target = url.protocol === 'mailto:' ? url.pathname : url.host;
  return (
    <>
      <a className="md-link" href={href} target="_blank" rel="noopener noreferrer" title={href} onClick={onClick} onAuxClick={onClick}>
        {children}
      </a>
      {confirming && (
        <ConfirmDialog
          open
          title="Leaving Parley"
          confirmLabel="Open link"
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            void platform().openExternal?.(href);
          }}
        >
          <p>
            Open <strong>{target}</strong>?
          </p>
          <p className="muted small md-confirm-url">{href}</p>
        </ConfirmDialog>
      )}
    </>
  );
}
