import { useId } from 'react';
import { CopyButton } from '../../ui/CopyButton';

export type Message = { ok: boolean; text: string } | null;

export function FormMessage({ message }: { message: Message }) {
  if (!message) return null;
  return (
    <p className={message.ok ? 'form-ok small' : 'form-error small'} role={message.ok ? 'status' : 'alert'}>
      {message.text}
    </p>
  );
}

/** A token shown once: selectable text, a copy button, and a button to hide it for good. */
export function NewSecret({ label, value, onDone }: { label: string; value: string; onDone: () => void }) {
  const ids = { input: useId(), hint: useId() };
  return (
    <div className="new-secret" role="group" aria-label={label}>
      <label htmlFor={ids.input}>{label}</label>
      <p className="muted small" id={ids.hint}>
        Copy it now: it is not shown again. Anyone with it can act as its account.
      </p>
      <div className="bot-line">
        <input
          id={ids.input}
          className="secret-value"
          readOnly
          value={value}
          aria-describedby={ids.hint}
          onFocus={(e) => e.currentTarget.select()}
        />
        <CopyButton text={value} fieldId={ids.input} what="token" className="btn secondary" />
        <button type="button" className="btn secondary" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
