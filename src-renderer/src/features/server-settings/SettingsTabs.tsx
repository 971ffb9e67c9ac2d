import { useId, useState, type KeyboardEvent, type ReactNode } from 'react';
import { Dialog } from '../../ui/Dialog';
import './admin.css';

export interface TabDef<T extends string> {
  id: T;
  label: string;
}

/** Vertical tabs (arrow keys move between them, as in WAI-ARIA's tabs pattern) beside the selected panel. */
export function SettingsTabs<T extends string>({
  label,
  tabs,
  tab,
  onChange,
  idPrefix,
  children,
  footer,
}: {
  label: string;
  tabs: TabDef<T>[];
  tab: T;
  onChange: (t: T) => void;
  idPrefix: string;
  children: ReactNode;
  footer?: ReactNode;
}) {
  const onKey = (e: KeyboardEvent<HTMLButtonElement>) => {
    const i = tabs.findIndex((t) => t.id === tab);
    let next: TabDef<T> | undefined;
    if (e.key === 'ArrowDown') next = tabs[(i + 1) % tabs.length];
    else if (e.key === 'ArrowUp') next = tabs[(i + tabs.length - 1) % tabs.length];
    else if (e.key === 'Home') next = tabs[0];
    else if (e.key === 'End') next = tabs[tabs.length - 1];
    if (!next) return;
    e.preventDefault();
    onChange(next.id);
    document.getElementById(`${idPrefix}-tab-${next.id}`)?.focus();
  };
  return (
    <div className="admin-layout">
      <div className="admin-side">
        <div role="tablist" aria-label={label} aria-orientation="vertical" className="admin-tabs">
          {tabs.map((t) => (
            <button
              key={t.id}
              type="button"
              role="tab"
              id={`${idPrefix}-tab-${t.id}`}
              aria-selected={tab === t.id}
              aria-controls={`${idPrefix}-panel`}
              tabIndex={tab === t.id ? 0 : -1}
              className={tab === t.id ? 'active' : ''}
              onClick={() => onChange(t.id)}
              onKeyDown={onKey}
            >
              {t.label}
            </button>
          ))}
        </div>
        {footer}
      </div>
      <section className="admin-panel" role="tabpanel" id={`${idPrefix}-panel`} aria-labelledby={`${idPrefix}-tab-${tab}`}>
        {children}
      </section>
    </div>
  );
}

/** A confirmation that asks the user to type a word (the server's or channel's name) before a destructive action. */
export function TypedConfirm({
  title,
  word,
  explanation,
  action,
  busy,
  error,
  onConfirm,
  onCancel,
}: {
  title: string;
  word: string;
  explanation: ReactNode;
  action: string;
  busy: boolean;
  error: string | null;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const inputId = useId();
  const [typed, setTyped] = useState('');
  return (
    <Dialog open title={title} onClose={onCancel} size="narrow" className="admin-dialog">
      <form
        className="admin-dialog-body"
        onSubmit={(e) => {
          e.preventDefault();
          if (typed === word) onConfirm();
        }}
      >
        <div className="admin-note">{explanation}</div>
        <div className="field">
          <label htmlFor={inputId}>Type “{word}” to confirm</label>
          <input id={inputId} value={typed} data-autofocus autoComplete="off" onChange={(e) => setTyped(e.target.value)} />
        </div>
        {error && (
          <p className="admin-error" role="alert">
            {error}
          </p>
        )}
        <div className="admin-actions">
          <button type="button" className="btn secondary" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="btn admin-danger" disabled={busy || typed !== word}>
            {action}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
