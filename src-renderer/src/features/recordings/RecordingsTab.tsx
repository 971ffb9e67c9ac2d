import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { recordingsStore, useRecordings } from '../../app/services';
import { useCan } from '../guilds/usePermissions';
import { RecordingList } from './RecordingList';
import './recordings.css';
import { FormStatus } from '../../ui/FormStatus';

/** Retention choices in days; null keeps recordings until someone deletes them. */
const RETENTION_CHOICES: [number | null, string][] = [
  [null, 'Keep until deleted'],
  [1, '1 day'],
  [7, '7 days'],
  [30, '30 days'],
  [90, '90 days'],
  [365, '1 year'],
];

/** Server settings → Recordings: the guild's library, and for MANAGE_GUILD how long recordings are kept. */
export function RecordingsTab({ guildId }: { guildId: string }) {
  const manage = useCan(guildId, 'MANAGE_GUILD');
  const scope = useMemo(() => ({ kind: 'guild' as const, guildId }), [guildId]);
  return (
    <div className="admin-section">
      <h3>Recordings</h3>
      {manage && <Retention guildId={guildId} />}
      <RecordingList scope={scope} caption="Recordings of this server, newest first" />
    </div>
  );
}

function Retention({ guildId }: { guildId: string }) {
  const settings = useRecordings((s) => s.settings[guildId]);
  // What the user picked, else the saved setting.
  const [picked, setValue] = useState<string | null>(null);
  const value = picked ?? (settings ? (settings.retentionDays === null ? '' : String(settings.retentionDays)) : '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const id = useId();

  useEffect(() => {
    void recordingsStore
      .getState()
      .loadSettings(guildId)
      .then((r) => !r.ok && setError(r.message));
  }, [guildId]);

  const choices = RETENTION_CHOICES.some(([d]) => d === settings?.retentionDays)
    ? RETENTION_CHOICES
    : [...RETENTION_CHOICES, [settings?.retentionDays ?? null, `${settings?.retentionDays} days`] as [number | null, string]];

  async function save(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(null);
    const r = await recordingsStore.getState().saveRetention(guildId, value === '' ? null : Number(value));
    setBusy(false);
    if (r.ok) setSaved('Saved.');
    else setError(r.message);
  }

  return (
    <form className="rec-retention" onSubmit={(e) => void save(e)}>
      <div className="field">
        <label htmlFor={id}>Delete finished recordings after</label>
        <select id={id} value={value} disabled={!settings} onChange={(e) => setValue(e.target.value)}>
          {choices.map(([days, label]) => (
            <option key={String(days)} value={days === null ? '' : String(days)}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="btn primary" disabled={busy || !settings}>
        Save
      </button>
      <FormStatus error={error} saved={saved} />
    </form>
  );
}
