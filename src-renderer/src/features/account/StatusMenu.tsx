import { useEffect, useLayoutEffect, useRef, type KeyboardEvent } from 'react';
import type { UserStatus } from '../../api/types';
import { accountStore, uiStore } from '../../app/services';
import { STATUS_LABEL } from '../../ui/status';
import './account.css';

const CHOICES: { status: UserStatus; hint: string }[] = [
  { status: 'online', hint: 'Turns idle after 10 minutes without input' },
  { status: 'idle', hint: 'Shown as away' },
  { status: 'dnd', hint: 'Shown to others; notifications are not muted yet' },
  { status: 'invisible', hint: 'You appear offline to others' },
];

/**
 * The status picker opened from the user panel: a menu of four radio items. Focus starts on the current status;
 * arrows, Home and End move, Enter or Space picks, Escape (or Tab, or a click outside) closes and focus returns to
 * the button that opened it.
 */
export function StatusMenu({ current, onClose }: { current: UserStatus; onClose(): void }) {
  const ref = useRef<HTMLDivElement>(null);

  useLayoutEffect(() => {
    ref.current?.querySelector<HTMLElement>('[aria-checked="true"]')?.focus();
  }, []);

  useEffect(() => {
    const onDown = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) onClose();
    };
    window.addEventListener('mousedown', onDown);
    return () => window.removeEventListener('mousedown', onDown);
  }, [onClose]);

  const pick = async (status: UserStatus) => {
    onClose();
    if (status === current) return;
    const r = await accountStore.getState().setStatus(status);
    if (!r.ok) uiStore.getState().toast('error', r.message);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const items = [...(ref.current?.querySelectorAll<HTMLElement>('[role="menuitemradio"]') ?? [])];
    const i = items.indexOf(document.activeElement as HTMLElement);
    const go = (n: number) => items[(n + items.length) % items.length]?.focus();
    if (e.key === 'Escape' || e.key === 'Tab') {
      e.preventDefault();
      e.stopPropagation();
      onClose();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      go(i + (e.key === 'ArrowDown' ? 1 : -1));
    } else if (e.key === 'Home') {
      e.preventDefault();
      go(0);
    } else if (e.key === 'End') {
      e.preventDefault();
      go(items.length - 1);
    }
  };

  return (
    <div ref={ref} className="context-menu status-menu" role="menu" aria-label="Set status" onKeyDown={onKeyDown}>
      {CHOICES.map(({ status, hint }) => (
        <button
          key={status}
          type="button"
          role="menuitemradio"
          aria-checked={status === current}
          tabIndex={-1}
          className="menu-item status-item"
          onClick={() => void pick(status)}
        >
          <span className={`status-swatch presence-dot ${status}`} aria-hidden="true" />
          <span className="status-text">
            <span>{STATUS_LABEL[status]}</span>
            <span className="status-hint">{hint}</span>
          </span>
        </button>
      ))}
    </div>
  );
}
