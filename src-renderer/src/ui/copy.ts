/** What a Copy button did: the text is on the clipboard, or (no clipboard here) it is selected for the user to copy. */
export type CopyOutcome = 'copied' | 'selected';

/**
 * Copies `text` to the clipboard. A browser offers no clipboard to a page that is not a secure context (a self-hosted
 * server reached over plain http at a LAN address) and may refuse the write; then the text of `field` (the read-only
 * input showing it) is focused and selected, so Ctrl+C or ⌘C copies it.
 */
export async function copyText(
  text: string,
  field: HTMLInputElement | null,
  clipboard: Pick<Clipboard, 'writeText'> | undefined = globalThis.navigator?.clipboard,
): Promise<CopyOutcome> {
  try {
    if (clipboard) {
      await clipboard.writeText(text);
      return 'copied';
    }
  } catch {
    // refused (no permission, or the document lost focus): fall through to selecting it
  }
  field?.focus();
  field?.select();
  return 'selected';
}
