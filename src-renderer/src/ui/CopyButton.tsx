import { useEffect, useState } from 'react';
import { uiStore } from '../app/services';
import { copyText } from './copy';

/** How long the button says "Copied" (as Discord's invite dialog does). */
const COPIED_MS = 2000;

/**
 * The Copy button beside a read-only field (`fieldId`): copies `text`, then says "Copied" for a moment (announced to
 * screen readers too). Where the clipboard is not available it selects the field's text and says to press Ctrl+C.
 * `what` names the text in that message ("link", "secret", "token").
 */
export function CopyButton({
  text,
  fieldId,
  what,
  className = 'btn primary',
  dialogFocus = false,
}: {
  text: string;
  fieldId: string;
  what: string;
  className?: string;
  /** The control a dialog focuses when it opens (ui/Dialog.tsx's `data-autofocus`). */
  dialogFocus?: boolean;
}) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), COPIED_MS);
    return () => clearTimeout(timer);
  }, [copied]);
  const copy = async () => {
    const field = document.getElementById(fieldId);
    const outcome = await copyText(text, field instanceof HTMLInputElement ? field : null);
    if (outcome === 'copied') setCopied(true);
    else uiStore.getState().toast('warning', `Couldn't copy here: the ${what} is selected, press Ctrl+C (⌘C on a Mac) to copy it.`);
  };
  return (
    <>
      <button type="button" className={className} data-autofocus={dialogFocus || undefined} onClick={() => void copy()}>
        {copied ? 'Copied' : 'Copy'}
      </button>
      <span role="status" className="sr-only">
        {copied ? `The ${what} was copied to the clipboard.` : ''}
      </span>
    </>
  );
}
