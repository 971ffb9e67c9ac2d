import { useEffect, useId, useState, type FormEvent } from 'react';
import { describeError } from '../../api/http-client';
import { api } from '../../app/services';
import { FormStatus } from '../../ui/FormStatus';

const MB = 1024 * 1024;

/** Server settings overview: the largest file members may attach here (MANAGE_GUILD), up to the server's maximum. */
export function UploadLimitField({ guildId }: { guildId: string }) {
  const [settings, setSettings] = useState<{ maxBytes: number; serverMaxBytes: number } | null>(null);
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ error: string | null; saved: string | null }>({ error: null, saved: null });
  const id = useId();

  useEffect(() => {
    let live = true;
    api()
      .attachments.settings(guildId)
      .then(
        (s) => {
          if (!live) return;
          setSettings(s);
          setValue(String(Math.round((s.maxBytes / MB) * 10) / 10));
        },
        (err: unknown) => live && setStatus({ error: describeError(err), saved: null }),
      );
    return () => {
      live = false;
    };
  }, [guildId]);

  async function save(e: FormEvent) {
    e.preventDefault();
    const mb = Number(value);
    if (!settings || !Number.isFinite(mb) || mb <= 0) return;
    setBusy(true);
    setStatus({ error: null, saved: null });
    try {
      const next = await api().attachments.updateSettings(guildId, Math.min(settings.serverMaxBytes, Math.round(mb * MB)));
      setSettings(next);
      setStatus({ error: null, saved: 'Saved.' });
    } catch (err) {
      setStatus({ error: describeError(err), saved: null });
    } finally {
      setBusy(false);
    }
  }

  if (!settings) return null;
  const maxMb = Math.floor((settings.serverMaxBytes / MB) * 10) / 10;
  return (
    <form onSubmit={(e) => void save(e)} aria-label="Upload limit">
      <div className="field">
        <label htmlFor={id}>Upload limit (MB)</label>
        <p className="muted small" id={`${id}-d`}>
          The largest file members can attach to a message here; this server allows at most {maxMb} MB.
        </p>
        <div className="admin-inline">
          <input
            id={id}
            type="number"
            min={0.1}
            max={maxMb}
            step={0.1}
            aria-describedby={`${id}-d`}
            value={value}
            onChange={(e) => setValue(e.target.value)}
          />
          <button type="submit" className="btn secondary" disabled={busy}>
            Save limit
          </button>
        </div>
      </div>
      <FormStatus error={status.error} saved={status.saved} />
    </form>
  );
}
