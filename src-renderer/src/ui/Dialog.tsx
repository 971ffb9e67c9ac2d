import { useEffect, useId, useRef, type CSSProperties, type ReactNode, type RefObject } from 'react';
import { focusables, trapTab } from './focus';
import { CloseIcon } from './icons';

export interface DialogProps {
  /** Shown as a modal while true. Unmounting an open dialog closes it too. */
  open: boolean;
  /** Escape, a click on the backdrop and the close button ask to close; the owner decides (usually: set open false). */
  onClose: () => void;
  /** Names the dialog (its heading and its accessible name). */
  title: string;
  /**
   * What gets focus on open. Without it: the control in the body marked `data-autofocus` (React's `autoFocus` runs
   * before `showModal()`, when nothing inside can take focus), else the first focusable control of the body, else the
   * close button.
   */
  initialFocus?: RefObject<HTMLElement | null>;
  /**
   * Where focus goes on close. By default back to the element that had it on open; a dialog opened from a menu that is
   * gone by then (the member menu) passes its own.
   */
  restoreFocus?: () => void;
  /** `alertdialog` for a confirmation of something destructive or a notice that needs an answer. */
  role?: 'alertdialog';
  /** The id of the text that describes the dialog (aria-describedby). */
  describedBy?: string;
  children: ReactNode;
  /**
   * `wide` for the settings-sized dialog (full screen on a phone); `narrow` for a short form; `popover` for a small
   * menu-like dialog placed with `style`.
   */
  size?: 'normal' | 'narrow' | 'wide' | 'popover';
  /** Position of a popover (left/top). */
  style?: CSSProperties;
  className?: string;
}

/**
 * The one modal dialog of the app, on the native `<dialog>` and `showModal()`: the browser traps focus inside, makes
 * the rest of the page inert and reports Escape (`cancel`). On top of that this component focuses `initialFocus` (or
 * the first control), keeps Tab cycling inside, closes on a backdrop click, and gives focus back to what had it
 * before (the opener) on close.
 *
 * @example
 * const [open, setOpen] = useState(false);
 * const nameRef = useRef<HTMLInputElement>(null);
 * <Dialog open={open} onClose={() => setOpen(false)} title="Rename channel" initialFocus={nameRef}>
 *   <form className="modal-body">…<input ref={nameRef} />…</form>
 * </Dialog>
 */
export function Dialog({
  open,
  onClose,
  title,
  initialFocus,
  restoreFocus,
  role,
  describedBy,
  children,
  size = 'normal',
  style,
  className,
}: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const bodyRef = useRef<HTMLDivElement>(null);
  const titleId = useId();
  // The latest onClose without re-running the open effect when the owner passes a new closure each render.
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  }, [onClose]);
  const restoreRef = useRef(restoreFocus);
  useEffect(() => {
    restoreRef.current = restoreFocus;
  }, [restoreFocus]);

  useEffect(() => {
    const dialog = ref.current;
    if (!open || !dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    const body = bodyRef.current;
    const target =
      initialFocus?.current ??
      body?.querySelector<HTMLElement>('[data-autofocus]') ??
      (body && focusables(body)[0]) ??
      focusables(dialog)[0] ??
      dialog;
    target.focus();
    return () => {
      if (dialog.open) dialog.close();
      const restore = restoreRef.current;
      if (restore) restore();
      // Back to the opener if it is still there (it may have been re-rendered away, e.g. a deleted message's button).
      else if (opener?.isConnected) opener.focus();
    };
  }, [open, initialFocus]);

  return (
    <dialog
      ref={ref}
      className={`dialog ${size}${className ? ` ${className}` : ''}`}
      aria-labelledby={titleId}
      aria-describedby={describedBy}
      role={role}
      style={style}
      onCancel={(e) => {
        // Escape: the owner closes (and unmounts or sets open=false), which keeps React the source of truth.
        e.preventDefault();
        onCloseRef.current();
      }}
      onKeyDown={(e) => trapTab(e, ref.current)}
      onMouseDown={(e) => {
        // A press on the ::backdrop targets the <dialog> itself; the content fills the box, so this is outside it.
        if (e.target === e.currentTarget) onCloseRef.current();
      }}
    >
      {open && (
        <div className="dialog-content">
          <header className="modal-header">
            <h2 id={titleId}>{title}</h2>
            <button type="button" className="icon-btn" aria-label="Close" onClick={() => onCloseRef.current()}>
              <CloseIcon size={size === 'popover' ? 16 : 20} />
            </button>
          </header>
          <div ref={bodyRef} className="dialog-body">
            {children}
          </div>
        </div>
      )}
    </dialog>
  );
}
