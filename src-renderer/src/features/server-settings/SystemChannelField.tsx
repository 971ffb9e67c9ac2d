import { useId, useState, type FormEvent } from 'react';
import { useGuilds } from '../../app/services';
import { adminStore } from './admin-services';
import { FormStatus } from '../../ui/FormStatus';

/** Server settings overview: the text channel that gets "<user> joined the server." (MANAGE_GUILD; audit-logged). */
export function SystemChannelField({ guildId }: { guildId: string }) {
  const current = useGuilds((s) => s.guilds.find((g) => g.id === guildId)?.systemChannelId ?? null);
  const channels = useGuilds((s) => s.channelsByGuild[guildId]);
  const [value, setValue] = useState(current ?? '');
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ error: string | null; saved: string | null }>({ error: null, saved: null });
  const id = useId();
  const texts = (channels ?? []).filter((c) => c.type === 'text');

  async function save(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setStatus({ error: null, saved: null });
    const r = await adminStore.getState().setSystemChannel(guildId, value || null);
    setBusy(false);
    setStatus(r.ok ? { error: null, saved: 'Saved.' } : { error: r.message, saved: null });
  }

  return (
    <form onSubmit={(e) => void save(e)} aria-label="System messages" className="admin-system-channel">
      <div className="field">
        <label htmlFor={id}>System messages channel</label>
        <p className="muted small" id={`${id}-d`}>
          When someone joins with an invite, &quot;name joined the server.&quot; is posted here.
        </p>
        <div className="admin-inline">
          <select id={id} aria-describedby={`${id}-d`} value={value} onChange={(e) => setValue(e.target.value)}>
            <option value="">No system messages</option>
            {texts.map((c) => (
              <option key={c.id} value={c.id}>
                #{c.name}
              </option>
            ))}
          </select>
          <button type="submit" className="btn secondary" disabled={busy || value === (current ?? '')}>
            Save channel
          </button>
        </div>
      </div>
      <FormStatus error={status.error} saved={status.saved} />
    </form>
  );
}
