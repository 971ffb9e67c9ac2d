import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import type { DeviceSession } from '../../api/types';
import { accountStore, authStore, uiStore, useAuth } from '../../app/services';
import { Avatar } from '../../ui/Avatar';
import { AvatarSection } from './AvatarSection';
import './account.css';
import type { Result } from '../../api/result';

/**
 * "My Account" in the settings dialog: display name and username (live for everyone through the gateway), password,
 * devices (sessions: log out one or all others), data export, sign out and account deletion; the avatar in AvatarSection. The status is picked from
 * the user panel (StatusMenu).
 */
export function AccountPanel() {
  const user = useAuth((s) => s.user);
  const serverUrl = useAuth((s) => s.serverUrl);
  if (!user) return null;
  return (
    <div className="settings-section account-panel">
      <h3>My Account</h3>
      <div className="account-card">
        <Avatar id={user.id} name={user.displayName} avatar={user.avatar} size={64} />
        <div>
          <div className="account-name">{user.displayName}</div>
          <div className="muted">@{user.username}</div>
          <div className="muted small">Signed in to {serverUrl}</div>
        </div>
      </div>
      <AvatarSection />
      <DisplayNameForm current={user.displayName} />
      <UsernameForm current={user.username} />
      <PasswordForm />
      <Devices />
      <section className="account-block" aria-labelledby="account-data">
        <h4 id="account-data">Your data</h4>
        <p className="muted small">A JSON file with your profile, your server memberships and every message you wrote.</p>
        <ExportButton username={user.username} />
      </section>
      <section className="account-block" aria-labelledby="account-session">
        <h4 id="account-session">Session</h4>
        <button
          type="button"
          className="btn secondary"
          onClick={() => {
            uiStore.getState().open(null);
            void authStore.getState().logout();
          }}
        >
          Log Out
        </button>
      </section>
      <DeleteAccount />
    </div>
  );
}

function DisplayNameForm({ current }: { current: string }) {
  const [name, setName] = useState(current);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const id = useId();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const r = await accountStore.getState().setDisplayName(name.trim());
    setBusy(false);
    setMessage(r.ok ? { ok: true, text: 'Display name saved.' } : { ok: false, text: r.message });
  };
  return (
    <form className="account-block" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-h`}>
      <h4 id={`${id}-h`}>Profile</h4>
      <div className="field">
        <label htmlFor={id}>Display name</label>
        <input id={id} value={name} maxLength={64} required onChange={(e) => setName(e.target.value)} />
      </div>
      <FormMessage message={message} />
      <button type="submit" className="btn primary" disabled={busy || !name.trim() || name.trim() === current}>
        Save display name
      </button>
    </form>
  );
}

function UsernameForm({ current }: { current: string }) {
  const [name, setName] = useState(current);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const ids = { h: useId(), name: useId(), pw: useId(), hint: useId() };
  const valid = /^[A-Za-z0-9_.-]{2,32}$/.test(name);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const r = await accountStore.getState().setUsername(name, password);
    setBusy(false);
    if (r.ok) setPassword('');
    setMessage(r.ok ? { ok: true, text: `Username changed to ${name}. Sign in with it from now on.` } : { ok: false, text: r.message });
  };
  return (
    <form className="account-block" onSubmit={(e) => void submit(e)} aria-labelledby={ids.h}>
      <h4 id={ids.h}>Username</h4>
      <p className="muted small" id={ids.hint}>
        2–32 letters, digits, _ . or -. You sign in with it; others see it under your display name.
      </p>
      <div className="field">
        <label htmlFor={ids.name}>New username</label>
        <input
          id={ids.name}
          value={name}
          maxLength={32}
          autoComplete="username"
          aria-describedby={ids.hint}
          aria-invalid={name !== '' && !valid}
          onChange={(e) => setName(e.target.value.trim())}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.pw}>Confirm with your password</label>
        <input id={ids.pw} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
      </div>
      <FormMessage message={message} />
      <button type="submit" className="btn primary" disabled={busy || !valid || name === current || !password}>
        Change username
      </button>
    </form>
  );
}

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Signed-in devices (refresh-token families): log out one, or every one but this. */
function Devices() {
  const [sessions, setSessions] = useState<DeviceSession[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const id = useId();
  const load = useCallback(async () => {
    const r = await accountStore.getState().listSessions();
    // This device first, then the others as the server orders them (most recently active first).
    if (r.ok) setSessions([...r.value].sort((x, y) => Number(y.current) - Number(x.current)));
    else setMessage({ ok: false, text: r.message });
  }, []);
  useEffect(() => {
    let live = true;
    void accountStore
      .getState()
      .listSessions()
      .then((r) => {
        if (!live) return;
        if (r.ok) setSessions([...r.value].sort((x, y) => Number(y.current) - Number(x.current)));
        else setMessage({ ok: false, text: r.message });
      });
    return () => {
      live = false;
    };
  }, []);
  const run = async (action: () => Promise<Result>, done: string) => {
    setBusy(true);
    const r = await action();
    setBusy(false);
    setMessage(r.ok ? { ok: true, text: done } : { ok: false, text: r.message });
    await load();
  };
  const others = sessions?.filter((s) => !s.current) ?? [];
  return (
    <section className="account-block" aria-labelledby={id}>
      <h4 id={id}>Devices</h4>
      <p className="muted small">Where you are signed in. Logging a device out ends its session there at once.</p>
      {sessions === null ? (
        <p className="muted small">Loading…</p>
      ) : (
        <ul className="session-list">
          {sessions.map((s) => (
            <li key={s.id} className="session-row">
              <div>
                <div>
                  <span className="session-label">{s.clientLabel}</span>
                  {s.current && <span className="session-current">This device</span>}
                </div>
                <div className="muted small">
                  Signed in {when(s.createdAt)} · last active {when(s.lastUsedAt)}
                </div>
              </div>
              {!s.current && (
                <button
                  type="button"
                  className="btn secondary"
                  disabled={busy}
                  aria-label={`Log out ${s.clientLabel}, signed in ${when(s.createdAt)}`}
                  onClick={() => void run(() => accountStore.getState().revokeSession(s.id), `${s.clientLabel} was logged out.`)}
                >
                  Log out
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <FormMessage message={message} />
      <button
        type="button"
        className="btn secondary"
        disabled={busy || others.length === 0}
        onClick={() => void run(() => accountStore.getState().revokeOtherSessions(), 'Every other device was logged out.')}
      >
        Log out all other sessions
      </button>
    </section>
  );
}

function PasswordForm() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const ids = { h: useId(), current: useId(), next: useId(), confirm: useId(), hint: useId() };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (next !== confirm) return setMessage({ ok: false, text: 'The new passwords do not match.' });
    setBusy(true);
    const r = await accountStore.getState().changePassword(current, next);
    setBusy(false);
    if (r.ok) {
      setCurrent('');
      setNext('');
      setConfirm('');
    }
    setMessage(r.ok ? { ok: true, text: 'Password changed. Your other sessions were signed out.' } : { ok: false, text: r.message });
  };
  return (
    <form className="account-block" onSubmit={(e) => void submit(e)} aria-labelledby={ids.h}>
      <h4 id={ids.h}>Password</h4>
      <p className="muted small" id={ids.hint}>
        Changing it signs out every other device.
      </p>
      <div className="field">
        <label htmlFor={ids.current}>Current password</label>
        <input
          id={ids.current}
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.next}>New password</label>
        <input
          id={ids.next}
          type="password"
          autoComplete="new-password"
          minLength={8}
          aria-describedby={ids.hint}
          value={next}
          onChange={(e) => setNext(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.confirm}>Confirm new password</label>
        <input id={ids.confirm} type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} />
      </div>
      <FormMessage message={message} />
      <button type="submit" className="btn primary" disabled={busy || !current || next.length < 8 || !confirm}>
        Change password
      </button>
    </form>
  );
}

function ExportButton({ username }: { username: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const download = async () => {
    setBusy(true);
    const r = await accountStore.getState().exportData();
    setBusy(false);
    if (!r.ok) return setError(r.message);
    setError(null);
    const url = URL.createObjectURL(new Blob([JSON.stringify(r.value, null, 2)], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `parley-${username}-export.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  return (
    <>
      {error && (
        <p className="form-error small" role="alert">
          {error}
        </p>
      )}
      <button type="button" className="btn secondary" disabled={busy} onClick={() => void download()}>
        {busy ? 'Preparing…' : 'Download my data'}
      </button>
    </>
  );
}

function DeleteAccount() {
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ids = { h: useId(), pw: useId(), warn: useId() };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const r = await accountStore.getState().deleteAccount(password);
    setBusy(false);
    if (!r.ok) return setError(r.message);
    uiStore.getState().open(null);
  };
  return (
    <section className="account-block danger-zone" aria-labelledby={ids.h}>
      <h4 id={ids.h}>Delete account</h4>
      <p className="muted small" id={ids.warn}>
        Your messages stay, shown as from a deleted user. You must transfer or delete the servers you own first.
      </p>
      {!open ? (
        <button type="button" className="btn danger" onClick={() => setOpen(true)}>
          Delete account…
        </button>
      ) : (
        <form onSubmit={(e) => void submit(e)}>
          <div className="field">
            <label htmlFor={ids.pw}>Password to confirm</label>
            <input
              id={ids.pw}
              type="password"
              autoComplete="current-password"
              autoFocus
              aria-describedby={ids.warn}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
          {error && (
            <p className="form-error small" role="alert">
              {error}
            </p>
          )}
          <div className="row">
            <button type="button" className="btn secondary" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button type="submit" className="btn danger" disabled={busy || !password}>
              Delete my account
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function FormMessage({ message }: { message: { ok: boolean; text: string } | null }) {
  if (!message) return null;
  return (
    <p className={message.ok ? 'form-ok small' : 'form-error small'} role={message.ok ? 'status' : 'alert'}>
      {message.text}
    </p>
  );
}
