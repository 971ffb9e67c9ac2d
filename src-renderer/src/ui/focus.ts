import type { KeyboardEvent } from 'react';

const FOCUSABLE =
  'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * The controls inside `root` that Tab reaches, in DOM order: rendered (not display:none) and not taken out of the tab
 * order (a tab list's unselected tabs have tabindex -1).
 */
export function focusables(root: ParentNode): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.tabIndex >= 0 && el.getClientRects().length > 0);
}

/**
 * Keeps Tab inside `root`: from the last control to the first, Shift+Tab from the first to the last. (A modal
 * <dialog> makes the page inert but lets Tab leave for the browser's own UI; a trap keeps the cycle in the dialog.)
 */
export function trapTab(e: KeyboardEvent, root: HTMLElement | null): void {
  if (e.key !== 'Tab' || !root) return;
  const list = focusables(root);
  const first = list[0];
  const last = list[list.length - 1];
  if (!first || !last) return;
  const at = document.activeElement;
  if (!e.shiftKey && (at === last || !root.contains(at))) {
    first.focus();
    e.preventDefault();
  } else if (e.shiftKey && (at === first || at === root)) {
    last.focus();
    e.preventDefault();
  }
}
