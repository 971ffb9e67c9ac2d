import { useEffect, useId, useRef, type ReactNode } from 'react';
import { CloseIcon } from '../../ui/icons';
import { returnFocus } from './menu-focus';

/**
 * A modal dialog on the native <dialog> element: showModal() makes the rest of the page inert (focus is trapped) and
 * turns Escape into `cancel`; focus goes to the element marked `data-autofocus` (else the first control) and back to the
 * element that opened the menu when the dialog closes. Self-contained so the members feature needs no shared dialog.
 */
export function DialogFrame({
  title,
  onClose,
  children,
  className = '',
  role,
  describedBy,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  className?: string;
  role?: 'alertdialog';
  describedBy?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const el = ref.current;
    if (el && !el.open) el.showModal();
    // React's autoFocus runs while the dialog is still closed (nothing inside can take focus then): mark the control
    // that should start focused with data-autofocus instead; without one, showModal() focused the first control.
    el?.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    return () => returnFocus();
  }, []);
  return (
    <dialog
      ref={ref}
      className={`modal member-dialog ${className}`}
      aria-labelledby={titleId}
      aria-describedby={describedBy}
      role={role}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onMouseDown={(e) => {
        // A click on the backdrop lands on the <dialog> itself.
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div className="member-dialog-inner">
        <header className="modal-header">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="icon-btn" aria-label="Close" onClick={onClose}>
            <CloseIcon />
          </button>
        </header>
        {children}
      </div>
    </dialog>
  );
}
