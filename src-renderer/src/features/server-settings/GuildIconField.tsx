import { useId, useState } from 'react';
import type { Guild } from '../../api/types';
import { api } from '../../app/services';
import { ImageFilePicker } from '../../ui/image-crop/ImageFilePicker';
import { adminStore } from './admin-services';
import { guildInitials } from '../guilds/GuildRail';

/** The server icon in Server settings → Overview (MANAGE_GUILD): upload with the crop dialog, or remove. */
export function GuildIconField({ guild }: { guild: Guild }) {
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const remove = async () => {
    setBusy(true);
    const r = await adminStore.getState().removeGuildIcon(guild.id);
    setBusy(false);
    setMessage(r.ok ? { ok: true, text: 'Icon removed.' } : { ok: false, text: r.message });
  };
  return (
    <section className="guild-icon-field" aria-labelledby={`${id}-h`}>
      <h4 id={`${id}-h`}>Server icon</h4>
      <div className="avatar-row">
        {guild.icon ? (
          <img
            className="guild-icon-preview"
            src={api().images.iconUrl(guild.id, guild.icon)}
            alt={`${guild.name} icon`}
            width={80}
            height={80}
          />
        ) : (
          <span className="guild-icon-preview empty" aria-hidden="true">
            {guildInitials(guild.name)}
          </span>
        )}
        <div className="avatar-actions">
          <p className="muted small">Shown in everyone&apos;s server list. PNG, JPEG, WebP or GIF, cropped to a square.</p>
          <div className="admin-inline">
            <ImageFilePicker
              label={guild.icon ? 'Change icon' : 'Upload icon'}
              dialogTitle="Crop the server icon"
              shape="rounded-square"
              onSave={async (image) => {
                const r = await adminStore.getState().setGuildIcon(guild.id, image);
                if (!r.ok) return r.message;
                setMessage({ ok: true, text: 'Icon saved.' });
                return null;
              }}
            />
            {guild.icon && (
              <button type="button" className="btn secondary" disabled={busy} onClick={() => void remove()}>
                Remove icon
              </button>
            )}
          </div>
        </div>
      </div>
      <div aria-live="polite">{message && <p className={message.ok ? 'admin-saved' : 'admin-error'}>{message.text}</p>}</div>
    </section>
  );
}
