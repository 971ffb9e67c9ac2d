import { useId, useRef, useState } from 'react';
import type { ChannelNotificationLevel, NotificationLevel } from '@shared/api/notification-settings';
import { defaultGuildNotificationSettings, isMuted } from '@shared/notifications/defaults';
import { notificationSettingsStore, useGuilds, useNotificationSettings } from '../../app/services';
import { Dialog } from '../../ui/Dialog';
import { describeMute, MUTE_CHOICES, muteUntil } from './mute-durations';
import { useNow } from './useNow';
import './notifications.css';

const LEVELS: { value: NotificationLevel; label: string; hint: string }[] = [
  { value: 'all', label: 'All messages', hint: 'Every new message in a channel you can see' },
  { value: 'mentions', label: 'Only @mentions', hint: 'Messages that mention you or one of your roles' },
  { value: 'nothing', label: 'Nothing', hint: 'No notifications and no mention badges' },
];

const CHANNEL_LEVELS: { value: ChannelNotificationLevel; label: string }[] = [
  { value: 'inherit', label: 'Server default' },
  { value: 'all', label: 'All messages' },
  { value: 'mentions', label: 'Only @mentions' },
  { value: 'nothing', label: 'Nothing' },
];

/**
 * "Notification settings" of a server (from its header menu): the level, role mentions, muting the server, and each
 * text channel's level. Every change is saved at once (and reaches my other sessions); a refused one is put back
 * and said.
 */
export function NotificationSettingsDialog({ guildId, guildName, onClose }: { guildId: string; guildName: string; onClose: () => void }) {
  const settings = useNotificationSettings((s) => s.byGuild[guildId]) ?? defaultGuildNotificationSettings(guildId);
  const channels = useGuilds((s) => s.channelsByGuild[guildId] ?? []).filter((c) => c.type === 'text');
  const now = useNow();
  const [error, setError] = useState<string | null>(null);
  const first = useRef<HTMLInputElement>(null);
  const ids = useId();
  const muted = isMuted(settings, now);

  const saveGuild = async (
    patch: Partial<{ level: NotificationLevel; suppressRoles: boolean; muted: boolean; muteUntil: string | null }>,
  ) => {
    const { level, suppressRoles } = settings;
    const body = { level, suppressRoles, muted, muteUntil: muted ? settings.muteUntil : null, ...patch };
    const r = await notificationSettingsStore.getState().updateGuild(guildId, body);
    setError(r.ok ? null : r.message);
  };
  const saveChannel = async (channelId: string, level: ChannelNotificationLevel) => {
    const cur = settings.channels.find((c) => c.channelId === channelId);
    const stillMuted = cur !== undefined && isMuted(cur, now);
    const r = await notificationSettingsStore
      .getState()
      .updateChannel(guildId, channelId, { level, muted: stillMuted, muteUntil: stillMuted ? (cur?.muteUntil ?? null) : null });
    setError(r.ok ? null : r.message);
  };

  return (
    <Dialog open onClose={onClose} title={`Notification settings — ${guildName}`} initialFocus={first} className="notification-settings">
      <div className="modal-body">
        <fieldset className="notify-fieldset">
          <legend>Mute {guildName}</legend>
          {muted ? (
            <p className="notify-muted-line">
              <span>{describeMute(settings.muteUntil)}</span>
              <button type="button" className="btn secondary" onClick={() => void saveGuild({ muted: false, muteUntil: null })}>
                Unmute server
              </button>
            </p>
          ) : (
            <label className="notify-select">
              <span>Muting a server stops its notifications and unread badges (mentions still show).</span>
              <select
                value=""
                onChange={(e) => {
                  const choice = MUTE_CHOICES[Number(e.target.value)];
                  if (choice) void saveGuild({ muted: true, muteUntil: muteUntil(choice.ms, Date.now()) });
                }}
              >
                <option value="" disabled>
                  Not muted — mute…
                </option>
                {MUTE_CHOICES.map((c, i) => (
                  <option key={c.label} value={i}>
                    {c.label}
                  </option>
                ))}
              </select>
            </label>
          )}
        </fieldset>
        <fieldset className="notify-fieldset">
          <legend>Server notification level</legend>
          {LEVELS.map((l, i) => (
            <label key={l.value} className="notify-radio">
              <input
                ref={i === 0 ? first : undefined}
                type="radio"
                name={`${ids}-level`}
                value={l.value}
                checked={settings.level === l.value}
                aria-describedby={`${ids}-${l.value}`}
                onChange={() => void saveGuild({ level: l.value })}
              />
              <span>
                {l.label}
                <small id={`${ids}-${l.value}`}>{l.hint}</small>
              </span>
            </label>
          ))}
          <label className="notify-check">
            <input type="checkbox" checked={settings.suppressRoles} onChange={(e) => void saveGuild({ suppressRoles: e.target.checked })} />
            <span>Suppress role @mentions (only my own name notifies)</span>
          </label>
        </fieldset>
        {channels.length > 0 && (
          <fieldset className="notify-fieldset">
            <legend>Channel overrides</legend>
            <ul className="notify-channels">
              {channels.map((c) => {
                const o = settings.channels.find((x) => x.channelId === c.id);
                return (
                  <li key={c.id}>
                    <label>
                      <span className="notify-channel-name">
                        #{c.name}
                        {o && isMuted(o, now) ? <small> ({describeMute(o.muteUntil).toLowerCase()})</small> : null}
                      </span>
                      <select
                        value={o?.level ?? 'inherit'}
                        onChange={(e) => void saveChannel(c.id, e.target.value as ChannelNotificationLevel)}
                      >
                        {CHANNEL_LEVELS.map((l) => (
                          <option key={l.value} value={l.value}>
                            {l.label}
                          </option>
                        ))}
                      </select>
                    </label>
                  </li>
                );
              })}
            </ul>
          </fieldset>
        )}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="confirm-actions">
          <button type="button" className="btn primary" onClick={onClose}>
            Done
          </button>
        </div>
      </div>
    </Dialog>
  );
}
