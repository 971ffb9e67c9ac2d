import type { Bot } from '@shared/api/bots';
import { hasPermission, Permission } from '@shared/permissions/permissions';
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { attempt } from '../../api/result';
import { api, useAuth, useGuilds } from '../../app/services';
import { myPermissions } from '../guilds/permissions';
import { BotTag } from './BotTag';
import { FormMessage, NewSecret, type Message } from './NewSecret';
import './bots.css';

/**
 * User settings → Bots: my bot accounts. Create one (its token is shown once), rename, reset the token (the old one
 * stops working at once), add it to a server where I have Manage Server, remove it from one, delete it.
 */
export function BotsPanel() {
  const [bots, setBots] = useState<Bot[] | null>(null);
  const [secret, setSecret] = useState<{ botName: string; token: string } | null>(null);
  const [message, setMessage] = useState<Message>(null);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const ids = { h: useId(), name: useId() };

  const load = useCallback(async () => {
    const r = await attempt(() => api().bots.list());
    if (r.ok) setBots(r.value);
    else setMessage({ ok: false, text: r.message });
  }, []);
  useEffect(() => {
    let live = true;
    void attempt(() => api().bots.list()).then((r) => {
      if (!live) return;
      if (r.ok) setBots(r.value);
      else setMessage({ ok: false, text: r.message });
    });
    return () => {
      live = false;
    };
  }, []);

  /** Runs an action, shows its outcome, reloads the list. */
  const run = async <T,>(action: () => Promise<T>, done: (value: T) => string): Promise<T | null> => {
    setBusy(true);
    const r = await attempt(action);
    setBusy(false);
    setMessage(r.ok ? { ok: true, text: done(r.value) } : { ok: false, text: r.message });
    await load();
    return r.ok ? r.value : null;
  };

  const create = async (e: FormEvent) => {
    e.preventDefault();
    const created = await run(
      () => api().bots.create(name.trim()),
      (v) => `${v.bot.displayName} was created.`,
    );
    if (created) {
      setName('');
      setSecret({ botName: created.bot.displayName, token: created.token });
    }
  };

  return (
    <div className="settings-section bots-panel">
      <h3 id={ids.h}>Bots</h3>
      <p className="muted small">
        A bot is an account your programs use, with a token instead of a password. Add it to a server where you have Manage Server; it shows
        a BOT tag there.
      </p>
      <form className="account-block" onSubmit={(e) => void create(e)} aria-label="Create a bot">
        <div className="field">
          <label htmlFor={ids.name}>New bot’s name</label>
          <input id={ids.name} value={name} maxLength={64} onChange={(e) => setName(e.target.value)} />
        </div>
        <button type="submit" className="btn" disabled={busy || name.trim() === ''}>
          Create bot
        </button>
      </form>
      {secret && <NewSecret label={`Token of ${secret.botName}`} value={secret.token} onDone={() => setSecret(null)} />}
      <FormMessage message={message} />
      {bots === null ? (
        <p className="muted small">Loading…</p>
      ) : bots.length === 0 ? (
        <p className="muted small">You have no bots yet.</p>
      ) : (
        <ul className="bot-list" aria-labelledby={ids.h}>
          {bots.map((b) => (
            <BotRow key={b.id} bot={b} busy={busy} run={run} onToken={(token) => setSecret({ botName: b.displayName, token })} />
          ))}
        </ul>
      )}
    </div>
  );
}

function BotRow({
  bot,
  busy,
  run,
  onToken,
}: {
  bot: Bot;
  busy: boolean;
  run: <T>(action: () => Promise<T>, done: (value: T) => string) => Promise<T | null>;
  onToken: (token: string) => void;
}) {
  const selfId = useAuth((s) => s.user?.id);
  const guilds = useGuilds((s) => s.guilds);
  // Selected as one string, so the selector's answer is stable between renders (a fresh array each time would loop).
  const manageableIds = useGuilds((s) =>
    s.guilds
      .filter((g) => !bot.guildIds.includes(g.id) && hasPermission(myPermissions(s, selfId, g.id), Permission.MANAGE_GUILD))
      .map((g) => g.id)
      .join(','),
  );
  const manageable = guilds.filter((g) => manageableIds.split(',').includes(g.id));
  const [rename, setRename] = useState(bot.displayName);
  const [target, setTarget] = useState('');
  const [confirming, setConfirming] = useState(false);
  const ids = { rename: useId(), target: useId() };
  const guildName = (id: string) => guilds.find((g) => g.id === id)?.name ?? 'a server';
  const chosen = manageable.some((g) => g.id === target) ? target : (manageable[0]?.id ?? '');

  return (
    <li className="bot-row">
      <div className="bot-head">
        <span className="bot-name">{bot.displayName}</span>
        <BotTag bot />
        <span className="muted small">@{bot.username}</span>
      </div>
      <form
        className="bot-line"
        onSubmit={(e) => {
          e.preventDefault();
          void run(
            () => api().bots.rename(bot.id, rename.trim()),
            (v) => `Renamed to ${v.displayName}.`,
          );
        }}
      >
        <label htmlFor={ids.rename}>Name</label>
        <input id={ids.rename} value={rename} maxLength={64} onChange={(e) => setRename(e.target.value)} />
        <button type="submit" className="btn secondary" disabled={busy || rename.trim() === '' || rename.trim() === bot.displayName}>
          Rename
        </button>
      </form>
      {manageable.length > 0 && (
        <form
          className="bot-line"
          onSubmit={(e) => {
            e.preventDefault();
            void run(
              () => api().bots.addToGuild(chosen, bot.id),
              () => `${bot.displayName} was added to ${guildName(chosen)}.`,
            );
          }}
        >
          <label htmlFor={ids.target}>Server</label>
          <select id={ids.target} value={chosen} onChange={(e) => setTarget(e.target.value)}>
            {manageable.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
          <button type="submit" className="btn secondary" disabled={busy || chosen === ''}>
            Add to server
          </button>
        </form>
      )}
      {bot.guildIds.length > 0 && (
        <ul className="bot-guilds" aria-label={`Servers ${bot.displayName} is in`}>
          {bot.guildIds.map((gid) => (
            <li key={gid}>
              <span>{guildName(gid)}</span>
              <button
                type="button"
                className="btn secondary"
                disabled={busy}
                aria-label={`Remove ${bot.displayName} from ${guildName(gid)}`}
                onClick={() =>
                  void run(
                    () => api().bots.removeFromGuild(gid, bot.id),
                    () => `${bot.displayName} left ${guildName(gid)}.`,
                  )
                }
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="bot-line">
        <button
          type="button"
          className="btn secondary"
          disabled={busy}
          aria-label={`Reset token of ${bot.displayName}`}
          onClick={() =>
            void run(
              () => api().bots.resetToken(bot.id),
              () => `${bot.displayName} has a new token; the old one no longer works.`,
            ).then((v) => v && onToken(v.token))
          }
        >
          Reset token
        </button>
        {confirming ? (
          <>
            <button
              type="button"
              className="btn danger"
              disabled={busy}
              onClick={() =>
                void run(
                  () => api().bots.remove(bot.id),
                  () => `${bot.displayName} was deleted.`,
                )
              }
            >
              Delete {bot.displayName} for good
            </button>
            <button type="button" className="btn secondary" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </>
        ) : (
          <button
            type="button"
            className="btn secondary"
            disabled={busy}
            aria-label={`Delete ${bot.displayName}`}
            onClick={() => setConfirming(true)}
          >
            Delete
          </button>
        )}
      </div>
    </li>
  );
}
