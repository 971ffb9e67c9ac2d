import { useId, useState, type FormEvent } from 'react';
import { useAuth } from '../../app/services';

/** First run and sign-in: server address (defaults to the server that served the page), login and register. */
export function AuthScreen({ hasInvite }: { hasInvite: boolean }) {
  const [mode, setMode] = useState<'login' | 'register'>(hasInvite ? 'register' : 'login');
  const serverUrl = useAuth((s) => s.serverUrl);
  const setServerUrl = useAuth((s) => s.setServerUrl);
  const busy = useAuth((s) => s.busy);
  // Why the last session ended (expired…), until the user tries again; then the attempt's own failure.
  const sessionNotice = useAuth((s) => s.error);
  const [failed, setFailed] = useState<string | null>(null);
  const error = failed ?? sessionNotice;
  const login = useAuth((s) => s.login);
  const register = useAuth((s) => s.register);
  const clearError = useAuth((s) => s.clearError);
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [server, setServer] = useState(serverUrl);
  const [editServer, setEditServer] = useState(false);
  const ids = { user: useId(), name: useId(), pass: useId(), server: useId(), err: useId() };

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (editServer) setServerUrl(server);
    setFailed(null);
    const result =
      mode === 'login'
        ? await login({ username: username.trim(), password })
        : await register({ username: username.trim(), password, displayName: displayName.trim() || undefined });
    if (!result.ok) setFailed(result.message);
  }

  const switchMode = (m: 'login' | 'register') => {
    clearError();
    setFailed(null);
    setMode(m);
  };

  return (
    <main className="auth-screen">
      <form className="auth-card" onSubmit={(e) => void submit(e)} aria-describedby={error ? ids.err : undefined}>
        <div className="auth-logo" aria-hidden="true">
          P
        </div>
        <h1>{mode === 'login' ? 'Welcome back!' : 'Create an account'}</h1>
        <p className="muted">
          {mode === 'login'
            ? "We're so excited to see you again!"
            : hasInvite
              ? "You've been invited to a server. Create an account to join."
              : 'Talk, hang out and play together — on your own server.'}
        </p>

        <div className="field server-field">
          <label htmlFor={ids.server}>Server</label>
          {editServer ? (
            <input
              id={ids.server}
              value={server}
              onChange={(e) => setServer(e.target.value)}
              placeholder="https://parley.example.org"
              autoComplete="url"
              inputMode="url"
            />
          ) : (
            <div className="server-display">
              <span id={ids.server}>{serverUrl}</span>
              <button type="button" className="link-btn" onClick={() => setEditServer(true)}>
                Change
              </button>
            </div>
          )}
        </div>

        <div className="field">
          <label htmlFor={ids.user}>Username</label>
          <input
            id={ids.user}
            name="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            autoComplete="username"
            required
            minLength={2}
            maxLength={32}
            autoFocus
          />
        </div>
        {mode === 'register' && (
          <div className="field">
            <label htmlFor={ids.name}>Display name</label>
            <input
              id={ids.name}
              name="displayName"
              value={displayName}
              onChange={(e) => setDisplayName(e.target.value)}
              autoComplete="nickname"
              maxLength={64}
              placeholder="How others see you"
            />
          </div>
        )}
        <div className="field">
          <label htmlFor={ids.pass}>Password</label>
          <input
            id={ids.pass}
            name="password"
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
            required
            minLength={mode === 'register' ? 8 : 1}
          />
        </div>
        {error && (
          <p id={ids.err} className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="btn primary wide" disabled={busy}>
          {busy ? 'Please wait…' : mode === 'login' ? 'Log In' : 'Continue'}
        </button>
        <p className="muted small">
          {mode === 'login' ? (
            <>
              Need an account?{' '}
              <button type="button" className="link-btn" onClick={() => switchMode('register')}>
                Register
              </button>
            </>
          ) : (
            <>
              Already have an account?{' '}
              <button type="button" className="link-btn" onClick={() => switchMode('login')}>
                Log in
              </button>
            </>
          )}
        </p>
      </form>
    </main>
  );
}
