import type { ApiScope, ApiToken } from '@shared/api/bots';
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { attempt } from '../../api/result';
import { api } from '../../app/services';
import { FormMessage, NewSecret, type Message } from './NewSecret';
import { RecentActivity } from './RecentActivity';
import './bots.css';

const SCOPE_LABEL: Record<ApiScope, string> = {
  'guilds:read': 'Read servers, channels and members',
  'messages:read': 'Read messages (and open the gateway)',
  'messages:write': 'Send, edit and delete messages, react',
  'voice:join': 'Join and leave voice channels',
};
/** Typed as a Record over the shared scope list, so a new scope fails the typecheck here until it has a label. */
const SCOPES = Object.keys(SCOPE_LABEL) as ApiScope[];
const EXPIRY: [string, number | null][] = [
  ['7 days', 7],
  ['30 days', 30],
  ['90 days', 90],
  ['1 year', 365],
  ['Never', null],
];
const date = (iso: string) => new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium' });

/**
 * User settings → API tokens: personal tokens for scripts, each limited to the scopes picked and expiring when chosen.
 * The secret is shown once; revoking one refuses it at once. Below, the account's recent token and bot activity.
 */
export function ApiTokensPanel() {
  const [tokens, setTokens] = useState<ApiToken[] | null>(null);
  const [message, setMessage] = useState<Message>(null);
  const [secret, setSecret] = useState<{ name: string; token: string } | null>(null);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiScope[]>(['messages:read']);
  const [expiry, setExpiry] = useState('30');
  const [busy, setBusy] = useState(false);
  /** Bumped after a create or revoke, so the activity list reloads. */
  const [changes, setChanges] = useState(0);
  const ids = { h: useId(), name: useId(), expiry: useId(), scopes: useId() };

  const load = useCallback(async () => {
    const r = await attempt(() => api().apiTokens.list());
    if (r.ok) setTokens(r.value);
    else setMessage({ ok: false, text: r.message });
    setChanges((n) => n + 1);
  }, []);
  useEffect(() => {
    let live = true;
    void attempt(() => api().apiTokens.list()).then((r) => {
      if (!live) return;
      if (r.ok) setTokens(r.value);
      else setMessage({ ok: false, text: r.message });
    });
    return () => {
      live = false;
    };
  }, []);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const r = await attempt(() =>
      api().apiTokens.create({ name: name.trim(), scopes, expiresInDays: expiry === 'never' ? null : Number(expiry) }),
    );
    setBusy(false);
    if (r.ok) {
      setSecret({ name: r.value.apiToken.name, token: r.value.token });
      setName('');
      setMessage({ ok: true, text: `${r.value.apiToken.name} was created.` });
    } else setMessage({ ok: false, text: r.message });
    await load();
  };
  const revoke = async (t: ApiToken) => {
    setBusy(true);
    const r = await attempt(() => api().apiTokens.revoke(t.id));
    setBusy(false);
    setMessage(r.ok ? { ok: true, text: `${t.name} was revoked.` } : { ok: false, text: r.message });
    await load();
  };

  return (
    <div className="settings-section bots-panel">
      <h3 id={ids.h}>API tokens</h3>
      <p className="muted small">
        Tokens let your scripts use the API as you, only for what you allow. Send one as <code>Authorization: Bearer ppt_…</code>.
      </p>
      <form className="account-block" onSubmit={(e) => void create(e)} aria-label="Create an API token">
        <div className="field">
          <label htmlFor={ids.name}>Token name</label>
          <input id={ids.name} value={name} maxLength={64} onChange={(e) => setName(e.target.value)} />
        </div>
        <fieldset className="scope-list">
          <legend>What it may do</legend>
          {SCOPES.map((s) => (
            <label key={s} className="scope-option">
              <input
                type="checkbox"
                checked={scopes.includes(s)}
                onChange={(e) => setScopes((cur) => (e.target.checked ? [...cur, s] : cur.filter((x) => x !== s)))}
              />
              <span>
                <code>{s}</code> {SCOPE_LABEL[s]}
              </span>
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor={ids.expiry}>Expires after</label>
          <select id={ids.expiry} value={expiry} onChange={(e) => setExpiry(e.target.value)}>
            {EXPIRY.map(([label, days]) => (
              <option key={label} value={days === null ? 'never' : String(days)}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="btn" disabled={busy || name.trim() === '' || scopes.length === 0}>
          Create token
        </button>
      </form>
      {secret && <NewSecret label={`Token ${secret.name}`} value={secret.token} onDone={() => setSecret(null)} />}
      <FormMessage message={message} />
      {tokens === null ? (
        <p className="muted small">Loading…</p>
      ) : tokens.length === 0 ? (
        <p className="muted small">You have no API tokens.</p>
      ) : (
        <ul className="bot-list" aria-labelledby={ids.h}>
          {tokens.map((t) => (
            <li key={t.id} className="bot-row token-row">
              <div>
                <div className="bot-name">{t.name}</div>
                <div className="muted small">
                  {t.scopes.join(', ')} · created {date(t.createdAt)} · {t.expiresAt ? `expires ${date(t.expiresAt)}` : 'never expires'}
                </div>
              </div>
              <button
                type="button"
                className="btn secondary"
                disabled={busy}
                aria-label={`Revoke ${t.name}`}
                onClick={() => void revoke(t)}
              >
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
      <RecentActivity version={changes} />
    </div>
  );
}
