/**
 * The outcome of a settings form, read out by screen readers: an error (role="alert") and/or what was saved, inside a
 * polite live region that is always rendered, so the first message after a save is announced too.
 */
export function FormStatus({ error, saved }: { error: string | null | undefined; saved?: string | null }) {
  return (
    <div aria-live="polite">
      {error && (
        <p className="admin-error" role="alert">
          {error}
        </p>
      )}
      {saved && <p className="admin-saved">{saved}</p>}
    </div>
  );
}
