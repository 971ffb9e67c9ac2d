import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { focusables, trapTab } from './focus';
import type { Drawer as DrawerId } from './ui.store';

/**
 * A column of the shell that becomes a drawer in the narrow layout. Wide (`drawer` false), it is a plain column (the
 * wrapper has `display: contents`). Narrow, it slides over the chat while `open`: focus moves to its first control,
 * Tab cycles inside it, Escape asks to close, and on close focus returns to the header button that opens it
 * (`[data-drawer-toggle=<id>]`). The rest of the shell is made inert by the Shell while a drawer is open.
 */
export function Drawer({
  id,
  drawer,
  open,
  onClose,
  closeOn,
  children,
}: {
  id: DrawerId;
  drawer: boolean;
  open: boolean;
  onClose: () => void;
  /** A selector: activating a matching element inside (e.g. a channel) is done with the drawer, so it closes. */
  closeOn?: string;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const active = drawer && open;
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  }, [onClose]);

  useEffect(() => {
    const slot = ref.current;
    if (!active || !slot) return;
    const first = focusables(slot)[0];
    if (first) first.focus();
    else {
      // Nothing to operate (a member list without actions): focus the labelled column itself, so it is announced.
      const column = slot.firstElementChild instanceof HTMLElement ? slot.firstElementChild : slot;
      if (!column.hasAttribute('tabindex')) column.tabIndex = -1;
      column.focus();
    }
    const onKey = (e: globalThis.KeyboardEvent) => {
      // A dialog opened from inside the drawer (e.g. a participant's volume popover) takes its own Escape.
      if (e.key !== 'Escape' || e.defaultPrevented || document.querySelector('dialog[open]')) return;
      e.preventDefault();
      onCloseRef.current();
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      const focus = document.activeElement;
      // The drawer may be unmounted already (the member list is rendered only while open): then focus sits on <body>.
      if (focus === null || focus === document.body || slot.contains(focus)) {
        document.querySelector<HTMLElement>(`[data-drawer-toggle="${id}"]`)?.focus();
      }
    };
  }, [active, id]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (active) trapTab(e, ref.current);
  };

  return (
    <div
      ref={ref}
      className={`drawer-slot ${id}${drawer ? ' as-drawer' : ''}${active ? ' open' : ''}`}
      onKeyDown={onKeyDown}
      onClick={(e) => {
        if (active && closeOn && e.target instanceof Element && e.target.closest(closeOn)) onClose();
      }}
    >
      {children}
    </div>
  );
}
