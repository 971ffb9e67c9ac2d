import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useUi } from '../app/services';
import { CloseIcon } from './icons';

/**
 * Notices at the top of the window, under the header: at the bottom they covered the composer, and in a narrow window
 * the user panel and voice controls. The region is a manual popover, so it sits in the top layer: a toast raised from a
 * modal dialog (Copy in the invite dialog) shows above that dialog instead of behind it. A toast added while a modal
 * dialog is open shows the region again: the top layer stacks in the order things entered it, so a dialog opened
 * since would cover it.
 */
export function Toasts() {
  const toasts = useUi((s) => s.toasts);
  const dismiss = useUi((s) => s.dismiss);
  const hold = useUi((s) => s.holdToasts);
  const region = useRef<HTMLDivElement>(null);
  // The notices stay while the pointer is on one or the focus is in one (time to read it, or reach Dismiss). By id:
  // a notice that goes (dismissed) sends neither pointerleave nor blur, and must not hold the rest.
  const [hovered, setHovered] = useState<number | null>(null);
  const [focused, setFocused] = useState<number | null>(null);
  const held = toasts.some((t) => t.id === hovered || t.id === focused);
  useEffect(() => hold(held), [held, hold]);
  const newest = toasts.at(-1)?.id;
  useLayoutEffect(() => {
    const el = region.current;
    if (!el || typeof el.showPopover !== 'function') return;
    if (el.matches(':popover-open')) {
      // Raised again only above a modal dialog: hiding it for a moment would drop the focus of someone on a Dismiss
      // button, and nothing outside an open modal dialog can have the focus.
      if (!document.querySelector('dialog:modal')) return;
      el.hidePopover();
    }
    el.showPopover();
  }, [newest]);
  return (
    <div ref={region} popover="manual" className="toasts" role="region" aria-label="Notifications" aria-live="polite">
      {toasts.map((t) => (
        <div
          key={t.id}
          className={`toast ${t.kind}`}
          role={t.kind === 'error' ? 'alert' : 'status'}
          onPointerEnter={() => setHovered(t.id)}
          onPointerLeave={() => setHovered(null)}
          onFocus={() => setFocused(t.id)}
          onBlur={() => setFocused(null)}
        >
          <span>{t.text}</span>
          <button type="button" className="icon-btn" aria-label="Dismiss notification" onClick={() => dismiss(t.id)}>
            <CloseIcon size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
