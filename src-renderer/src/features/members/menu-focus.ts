/**
 * The element a member menu was opened from, so focus returns there when the menu (or the dialog it led to) closes.
 * A DOM node, so it stays out of the zustand store.
 */
let opener: HTMLElement | null = null;

export function rememberOpener(el: Element | null): void {
  // A right-clicked row is not focusable itself: fall back to its "more" button when it has one.
  const target = el instanceof HTMLElement ? el : null;
  opener = target && target.tabIndex >= 0 ? target : (target?.querySelector<HTMLElement>('[data-member-menu-button]') ?? target);
}

export function returnFocus(): void {
  const el = opener;
  opener = null;
  if (el?.isConnected) el.focus();
}

/** Elements a keyboard user moves between inside a menu or dialog. */
export const FOCUSABLE =
  'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"]), [role^="menuitem"]';
