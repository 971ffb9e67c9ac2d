import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { Channel } from '../../api/types';
import type { ChannelNotificationLevel } from '@shared/api/notification-settings';
import { isMuted } from '@shared/notifications/defaults';
import { notificationSettingsStore, uiStore } from '../../app/services';
import { describeMute, MUTE_CHOICES, muteUntil } from './mute-durations';
import { useNow } from './useNow';
import './notifications.css';

const LEVELS: { value: ChannelNotificationLevel; label: string }[] = [
  { value: 'inherit', label: 'Use server default' },
  { value: 'all', label: 'All messages' },
  { value: 'mentions', label: 'Only @mentions' },
  { value: 'nothing', label: 'Nothing' },
];

/**
 * A text channel's menu (right click on it, or Shift+F10 / the context-menu key on it): mute it for a while or until
 * turned back on, or choose its notification level. ↑/↓ move, Enter picks, Escape closes and gives the focus back.
 */
export function ChannelNotificationMenu({
  channel,
  at,
  onClose,
}: {
  channel: Channel;
  at: { x: number; y: number };
  onClose: (restoreFocus: boolean) => void;
}) {
  const menu = useRef<HTMLDivElement>(null);
  const settings = notificationSettingsStore.getState().byGuild[channel.guildId];
  const override = settings?.channels.find((c) => c.channelId === channel.id);
  const level = override?.level ?? 'inherit';
  const now = useNow();
  const muted = override !== undefined && isMuted(override, now);

  useEffect(() => {
    menu.current?.querySelector<HTMLElement>('[role^="menuitem"]')?.focus();
    const onDown = (e: MouseEvent) => {
      if (!menu.current?.contains(e.target as Node)) onClose(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [onClose]);

  const save = async (body: { level: ChannelNotificationLevel; muted: boolean; muteUntil: string | null }) => {
    onClose(true);
    const r = await notificationSettingsStore.getState().updateChannel(channel.guildId, channel.id, body);
    if (!r.ok) uiStore.getState().toast('error', r.message);
  };

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const all = [...(menu.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]') ?? [])];
    const i = all.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'ArrowDown') all[(i + 1) % all.length]?.focus();
    else if (e.key === 'ArrowUp') all[(i - 1 + all.length) % all.length]?.focus();
    else if (e.key === 'Home') all[0]?.focus();
    else if (e.key === 'End') all[all.length - 1]?.focus();
    else if (e.key === 'Escape' || e.key === 'Tab') onClose(e.key === 'Escape');
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  // Keep the menu on screen: it opens at the pointer (or the row) and shifts up/left when it would overflow.
  const style = { left: Math.min(at.x, window.innerWidth - 260), top: Math.min(at.y, window.innerHeight - 380) };
  return (
    <div
      ref={menu}
      className="channel-notify-menu"
      role="menu"
      aria-label={`#${channel.name} notifications`}
      style={style}
      onKeyDown={onKey}
    >
      {muted ? (
        <>
          <p className="channel-notify-status">{describeMute(override?.muteUntil ?? null)}</p>
          <button type="button" role="menuitem" tabIndex={-1} onClick={() => void save({ level, muted: false, muteUntil: null })}>
            Unmute channel
          </button>
        </>
      ) : (
        <div role="group" aria-label="Mute channel">
          <p className="channel-notify-status" aria-hidden="true">
            Mute channel
          </p>
          {MUTE_CHOICES.map((c) => (
            <button
              key={c.label}
              type="button"
              role="menuitem"
              tabIndex={-1}
              aria-label={`Mute channel ${c.label.toLowerCase()}`}
              onClick={() => void save({ level, muted: true, muteUntil: muteUntil(c.ms, Date.now()) })}
            >
              {c.label}
            </button>
          ))}
        </div>
      )}
      <div role="group" aria-label="Notification level">
        <p className="channel-notify-status" aria-hidden="true">
          Notifications
        </p>
        {LEVELS.map((l) => (
          <button
            key={l.value}
            type="button"
            role="menuitemradio"
            aria-checked={level === l.value}
            tabIndex={-1}
            onClick={() => void save({ level: l.value, muted, muteUntil: muted ? (override?.muteUntil ?? null) : null })}
          >
            {l.label}
          </button>
        ))}
      </div>
    </div>
  );
}
