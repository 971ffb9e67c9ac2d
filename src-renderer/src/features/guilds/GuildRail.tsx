import { useRef, type KeyboardEvent } from 'react';
import {
  api,
  guildsStore,
  useGuilds,
  useNotificationSettings,
  usePrivateChannels,
  useCalls,
  useRelationships,
  useUi,
  useUnread,
} from '../../app/services';
import { isMuted } from '@shared/notifications/defaults';
import { unreadDisplay } from '../notifications/should-notify';
import { useNow } from '../notifications/useNow';
import { ChatIcon, PlusIcon } from '../../ui/icons';
import { colorFor } from '../../ui/Avatar';
import { isUnread } from './unread.store';

export function guildInitials(name: string): string {
  return (
    name
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 3)
      .map((w) => w[0]?.toUpperCase() ?? '')
      .join('') || '?'
  );
}

/** The left-most column: one round icon per guild with unread pill and mention badge, plus create/join. */
export function GuildRail() {
  const guilds = useGuilds((s) => s.guilds);
  const home = useGuilds((s) => s.home);
  const selected = useGuilds((s) => (s.home ? null : s.selectedGuildId));
  const channelsByGuild = useGuilds((s) => s.channelsByGuild);
  const lastMessageId = useUnread((s) => s.lastMessageId);
  const lastReadId = useUnread((s) => s.lastReadId);
  const mentionCount = useUnread((s) => s.mentionCount);
  const notifySettings = useNotificationSettings((s) => s.byGuild);
  const now = useNow();
  const open = useUi((s) => s.open);
  const listRef = useRef<HTMLUListElement>(null);

  // Arrow keys move between guilds (roving focus), as in a toolbar.
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const buttons = [...(listRef.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])];
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const next = buttons[(i + (e.key === 'ArrowDown' ? 1 : buttons.length - 1)) % buttons.length];
    next?.focus();
    e.preventDefault();
  };

  return (
    <nav className="guild-rail" aria-label="Servers">
      <ul ref={listRef} onKeyDown={onKeyDown}>
        <HomeButton active={home} />
        <li className="rail-separator" aria-hidden="true" />
        {guilds.map((g) => {
          const channels = channelsByGuild[g.id] ?? [];
          // Muted channels (all of them when the server is muted) do not make the server unread; mentions still count
          // unless their level is "nothing".
          const settings = notifySettings[g.id];
          const muted = settings !== undefined && isMuted(settings, now);
          const unread = channels.some(
            (c) => c.type !== 'category' && unreadDisplay(settings, c.id, now).showUnread && isUnread({ lastMessageId, lastReadId }, c.id),
          );
          const mentions = channels.reduce(
            (n, c) => n + (unreadDisplay(settings, c.id, now).showMentions ? (mentionCount[c.id] ?? 0) : 0),
            0,
          );
          const active = g.id === selected;
          const label = `${g.name}${muted ? ', muted' : ''}${mentions ? `, ${mentions} mention${mentions > 1 ? 's' : ''}` : unread ? ', unread messages' : ''}`;
          return (
            <li key={g.id} className={`guild-item${active ? ' active' : ''}${unread ? ' unread' : ''}${muted ? ' muted' : ''}`}>
              <span className="guild-pill" aria-hidden="true" />
              <button
                type="button"
                className={`guild-icon${g.icon ? ' has-image' : ''}`}
                style={active && !g.icon ? { background: colorFor(g.id) } : undefined}
                aria-current={active ? 'page' : undefined}
                title={g.name}
                onClick={() => guildsStore.getState().selectGuild(g.id)}
              >
                {/* The name is the button's text (for screen readers); the icon or initials are only its picture. */}
                {g.icon ? (
                  <img src={api().images.iconUrl(g.id, g.icon)} alt="" width={48} height={48} draggable={false} data-icon={g.icon} />
                ) : (
                  <span aria-hidden="true">{guildInitials(g.name)}</span>
                )}
                <span className="sr-only">{label}</span>
              </button>
              {mentions > 0 && (
                <span className="badge" aria-hidden="true">
                  {mentions > 99 ? '99+' : mentions}
                </span>
              )}
            </li>
          );
        })}
        {guilds.length > 0 && <li className="rail-separator" aria-hidden="true" />}
        <li className="guild-item">
          <span className="guild-pill" aria-hidden="true" />
          <button
            type="button"
            className="guild-icon add"
            aria-label="Add a server"
            title="Add a server"
            onClick={() => open({ kind: 'create-guild' })}
          >
            <PlusIcon size={22} />
          </button>
        </li>
      </ul>
    </nav>
  );
}

/**
 * Home (friends and DMs), first in the rail as in Discord. Its badge counts what waits for me there: friend requests
 * to answer, DMs with unread messages and missed calls not seen yet.
 */
function HomeButton({ active }: { active: boolean }) {
  const pending = useRelationships((s) => Object.values(s.byUserId).filter((r) => r.type === 'incoming').length);
  const dms = usePrivateChannels((s) => s.byId);
  const unreadDms = useUnread((s) => Object.keys(dms).filter((id) => isUnread(s, id)).length);
  const missedCalls = useCalls((s) => s.unseenMissed);
  const count = pending + unreadDms + missedCalls;
  const parts = [
    pending ? `${pending} pending friend request${pending > 1 ? 's' : ''}` : '',
    unreadDms ? `${unreadDms} unread direct message${unreadDms > 1 ? 's' : ''}` : '',
    missedCalls ? `${missedCalls} missed call${missedCalls > 1 ? 's' : ''}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return (
    <li className={`guild-item home-item${active ? ' active' : ''}`}>
      <span className="guild-pill" aria-hidden="true" />
      <button
        type="button"
        className="guild-icon home"
        aria-current={active ? 'page' : undefined}
        title="Direct Messages"
        data-testid="home-button"
        onClick={() => guildsStore.getState().openHome()}
      >
        <ChatIcon size={24} />
        <span className="sr-only">{`Home${parts ? `, ${parts}` : ''}`}</span>
      </button>
      {count > 0 && (
        <span className="badge" aria-hidden="true" data-testid="home-badge">
          {count > 99 ? '99+' : count}
        </span>
      )}
    </li>
  );
}
