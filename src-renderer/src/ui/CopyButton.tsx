import { useEffect, useState } from 'react';
import { uiStore } from '../app/services';
import { copyText, type CopyOutcome } from './copy';

/** How long the button says "Copied" (as Discord's invite dialog does). */
const COPIED_MS = 2000;
/** The Ctrl+C notice stays longer than most: it asks the user to act. */
const SELECTED_NOTICE_MS = 10_000;

/**
 * The Copy button beside a read-only field (`fieldId`): copies `text`, then says "Copied" for a moment. Where the
 * clipboard is not available it selects the field's text and says to press Ctrl+C, in a notice and to screen readers
 * from beside the button: a notice raised from a modal dialog is shown above it but, outside the dialog, inert.
 * `what` names the text in those messages ("link", "secret", "token").
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
  const [outcome, setOutcome] = useState<CopyOutcome | null>(null);
  useEffect(() => {
    if (outcome !== 'copied') return;
    const timer = setTimeout(() => setOutcome(null), COPIED_MS);
    return () => clearTimeout(timer);
  }, [outcome]);
  const selectedText = `Couldn't copy here: the ${what} is selected, press Ctrl+C (⌘C on a Mac) to copy it.`;
  const copy = async () => {
    const field = document.getElementById(fieldId);
    const result = await copyText(text, field instanceof HTMLInputElement ? field : null);
    setOutcome(result);
    if (result === 'selected') uiStore.getState().toast('warning', selectedText, SELECTED_NOTICE_MS);
  };
  const copied = outcome === 'copied';
  return (
    <>
      <button type="button" className={className} data-autofocus={dialogFocus || undefined} onClick={() => void copy()}>
        {copied ? 'Copied' : 'Copy'}
      </button>
      <span role="status" className="sr-only">
        {copied ? `The ${what} was copied to the clipboard.` : outcome === 'selected' ? selectedText : ''}
      </span>
    </>
  );
}
