import { useRef, type ReactNode } from 'react';
import { Dialog } from './Dialog';

/**
 * "Are you sure?" on the app's Dialog: the message, Cancel (focused first, so Enter never destroys by accident) and
 * the confirming button. Escape cancels.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  danger = false,
  onConfirm,
  onCancel,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  return (
    <Dialog open={open} onClose={onCancel} title={title} initialFocus={cancelRef}>
      <div className="modal-body">
        {children}
        <div className="confirm-actions">
          <button ref={cancelRef} type="button" className="btn secondary" onClick={onCancel}>
            Cancel
          </button>
          <button type="button" className={`btn ${danger ? 'danger' : 'primary'}`} onClick={onConfirm}>
            {confirmLabel}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
