import type { EmbedGuestAccess, EmbedSettings } from '@shared/api/embed';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { describeError } from '../../api/http-client';
import { api, useAuth, useGuilds } from '../../app/services';
import { FormStatus } from '../../ui/FormStatus';

const GUEST_CHOICES: { value: EmbedGuestAccess; label: string; description: string }[] = [
  { value: 'off', label: 'No guests', description: 'Nobody can join through the widget (it joins as a guest).' },
  { value: 'listen', label: 'Guests listen', description: 'Anyone on an allowed page can join and hear the channel.' },
  { value: 'speak', label: 'Guests speak', description: 'Guests can also turn on their microphone (if @everyone may speak).' },
];

/** Origins typed one per line: blank lines dropped, surrounding spaces trimmed (the server validates each). */
export const parseOrigins = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/**
 * Server settings → Embed (MANAGE_GUILD): which sites may show this server's voice widget, whether guests may join
 * through it, and the snippet to paste into such a site.
 */
export function EmbedTab({ guildId }: { guildId: string }) {
  const serverUrl = (useAuth((s) => s.serverUrl) || window.location.origin).replace(/\/+$/, '');
  const channels = useGuilds((s) => s.channelsByGuild[guildId]);
  const voice = (channels ?? []).filter((c) => c.type === 'voice');
  const [settings, setSettings] = useState<EmbedSettings | null>(null);
  const [origins, setOrigins] = useState('');
  const [guests, setGuests] = useState<EmbedGuestAccess>('off');
  const [channelId, setChannelId] = useState('');
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ error: string | null; saved: string | null }>({ error: null, saved: null });
  const ids = { origins: useId(), channel: useId(), snippet: useId() };

  useEffect(() => {
    let live = true;
    api()
      .embed.settings(guildId)
      .then(
        (s) => {
          if (!live) return;
          setSettings(s);
          setOrigins(s.allowedOrigins.join('\n'));
          setGuests(s.guestAccess);
        },
        (err: unknown) => live && setStatus({ error: describeError(err), saved: null }),
      );
    return () => {
      live = false;
    };
  }, [guildId]);

  async function save(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setStatus({ error: null, saved: null });
    try {
      const next = await api().embed.updateSettings(guildId, { allowedOrigins: parseOrigins(origins), guestAccess: guests });
      setSettings(next);
      setOrigins(next.allowedOrigins.join('\n'));
      setStatus({ error: null, saved: 'Saved.' });
    } catch (err) {
      setStatus({ error: describeError(err), saved: null });
    } finally {
      setBusy(false);
    }
  }

  const picked = voice.find((c) => c.id === channelId) ?? voice[0];
  const snippet = picked
    ? `<iframe src="${serverUrl}/embed/voice/${picked.id}" title="${picked.name} (Parley voice)" allow="microphone; autoplay" width="320" height="360"></iframe>`
    : '';

  return (
    <div className="admin-section">
      <h3>Embed</h3>
      <p className="muted small">
        A voice widget (join, mute, who is there) that other websites can show in an iframe. Only the sites listed here may show it.
      </p>
      {settings && (
        <form onSubmit={(e) => void save(e)} aria-label="Embed settings">
          <div className="field">
            <label htmlFor={ids.origins}>Allowed sites (one origin per line)</label>
            <p className="muted small" id={`${ids.origins}-d`}>
              Scheme, host and port only, e.g. https://example.com. Leave empty to allow no site.
            </p>
            <textarea
              id={ids.origins}
              aria-describedby={`${ids.origins}-d`}
              rows={4}
              value={origins}
              onChange={(e) => setOrigins(e.target.value)}
              spellCheck={false}
              data-autofocus
            />
          </div>
          <fieldset className="radio-cards">
            <legend>Guests</legend>
            {GUEST_CHOICES.map((c) => (
              <label key={c.value} className={guests === c.value ? 'checked' : undefined}>
                <input
                  type="radio"
                  name={`${ids.origins}-guests`}
                  value={c.value}
                  checked={guests === c.value}
                  onChange={() => setGuests(c.value)}
                />
                <span>{c.label}</span>
                <span className="muted small">{c.description}</span>
              </label>
            ))}
          </fieldset>
          <button type="submit" className="btn primary" disabled={busy}>
            Save embed settings
          </button>
        </form>
      )}
      <FormStatus error={status.error} saved={status.saved} />
      {settings && voice.length > 0 && (
        <div className="field">
          <label htmlFor={ids.channel}>Widget for</label>
          <select id={ids.channel} value={picked?.id ?? ''} onChange={(e) => setChannelId(e.target.value)}>
            {voice.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
          <label htmlFor={ids.snippet}>Code to paste into your page</label>
          <textarea id={ids.snippet} readOnly rows={3} value={snippet} spellCheck={false} />
        </div>
      )}
    </div>
  );
}
