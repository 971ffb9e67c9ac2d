import { useCallback, useDeferredValue, useMemo, useRef, useState, type Ref } from 'react';
import { guildsStore, useGuilds, useNotificationSettings, useUi, useUnread, voiceStore } from '../../app/services';
import type { Channel, Member } from '../../api/types';
import { Avatar } from '../../ui/Avatar';
import { ChatIcon, ChevronIcon, HashIcon, InviteIcon, PlusIcon, SpeakerIcon } from '../../ui/icons';
import { openMemberMenu } from '../members/MemberMenuTrigger';
import { UserPanel } from '../voice/UserPanel';
import { VoicePanel } from '../voice/VoicePanel';
import { openChannelChat } from '../voice/open-channel-chat';
import { useVoiceGuests, useVoiceOccupants } from '../voice/useVoiceOccupants';
import { VoiceGuestItems } from '../voice/VoiceGuestItems';
import { VoiceUserIcons } from '../voice/VoiceUserIcons';
import { ChannelGear, GuildHeaderMenu, useCanCreateChannels, VoiceLimit } from '../server-settings/SidebarEntries';
import { ChannelRecordingsButton } from '../recordings/RecordingsEntry';
import { ChannelNotificationMenu } from '../notifications/ChannelNotificationMenu';
import { unreadDisplay } from '../notifications/should-notify';
import { useNow } from '../notifications/useNow';
import { isUnread } from './unread.store';
import { categoryKey, channelKey } from './channel-keys';
import { useDndKit } from './channel-dnd-loader';
import type { DragBinding } from './ChannelDnd';
import './structure.css';

interface Group {
  category: Channel | null;
  channels: Channel[];
}

export function groupChannels(channels: Channel[]): Group[] {
  const categories = channels.filter((c) => c.type === 'category');
  const top: Group = { category: null, channels: channels.filter((c) => c.type !== 'category' && !c.parentId) };
  const groups = categories.map((cat) => ({ category: cat, channels: channels.filter((c) => c.parentId === cat.id) }));
  // Channels whose category we can't see are shown at the top level rather than hidden.
  const known = new Set(categories.map((c) => c.id));
  top.channels.push(...channels.filter((c) => c.type !== 'category' && c.parentId && !known.has(c.parentId)));
  return [top, ...groups];
}

const COLLAPSED_KEY = 'parley.collapsedCategories.v1';

/** Which categories I collapsed, remembered on this device (category ids are unique across guilds). */
function readCollapsed(): Record<string, boolean> {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(COLLAPSED_KEY) ?? '{}');
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, boolean>) : {};
  } catch {
    return {};
  }
}
function writeCollapsed(value: Record<string, boolean>): void {
  try {
    localStorage.setItem(COLLAPSED_KEY, JSON.stringify(Object.fromEntries(Object.entries(value).filter(([, v]) => v))));
  } catch {
    // Storage full or unavailable: collapsing still works for this session.
  }
}

export function memberName(m: Member | undefined, fallback: string): string {
  return m?.nick ?? m?.user.displayName ?? fallback;
}

export function ChannelSidebar() {
  const guildId = useGuilds((s) => s.selectedGuildId);
  const guild = useGuilds((s) => s.guilds.find((g) => g.id === s.selectedGuildId));
  // The list renders a transition behind the store (a guild's channels arriving render in interruptible slices).
  const channels = useDeferredValue(useGuilds((s) => (guildId ? s.channelsByGuild[guildId] : undefined)));
  const selectedChannel = useGuilds((s) => (guildId ? s.selectedChannelByGuild[guildId] : undefined));
  const open = useUi((s) => s.open);
  const [collapsed, setCollapsed] = useState<Record<string, boolean>>(readCollapsed);
  const groups = useMemo(() => groupChannels(channels ?? []), [channels]);
  const categoryKeys = useMemo(() => groups.flatMap((g) => (g.category ? [categoryKey(g.category.id)] : [])), [groups]);
  // MANAGE_CHANNELS: create channels and categories, and drag them into order.
  const canCreate = useCanCreateChannels(guildId);
  const [reorderError, setReorderError] = useState<string | null>(null);
  // Drag and drop (and @dnd-kit) only for those who may reorder.
  const { ChannelDnd, SortableContext, SortableChannel, SortableCategory, TopDropZone, verticalListSortingStrategy } = useDndKit(canCreate);
  const toggle = (key: string) =>
    setCollapsed((c) => {
      const next = { ...c, [key]: !c[key] };
      writeCollapsed(next);
      return next;
    });

  return (
    <aside className="channel-sidebar" aria-label="Channels">
      <header className="sidebar-header">
        {guild ? <GuildHeaderMenu guild={guild} /> : <h2>Parley</h2>}
        {guildId && (
          <button
            type="button"
            className="icon-btn"
            aria-label="Invite people"
            title="Invite people"
            onClick={() => open({ kind: 'invite', guildId, code: null })}
          >
            <InviteIcon size={18} />
          </button>
        )}
      </header>
      <nav className="channel-scroll" aria-label={guild ? `${guild.name} channels` : 'Channels'}>
        {reorderError && (
          <p className="admin-error reorder-error" role="alert">
            {reorderError}
          </p>
        )}
        {guildId && (
          <ChannelDnd channels={channels ?? []} onResult={setReorderError}>
            <SortableContext id="categories" items={categoryKeys} strategy={verticalListSortingStrategy}>
              {groups.map((g) => {
                const key = g.category?.id ?? 'top';
                const isCollapsed = collapsed[key] === true;
                const rows = g.channels.filter((c) => !isCollapsed || c.id === selectedChannel);
                const list = (
                  <SortableContext id={`list:${key}`} items={rows.map((c) => channelKey(c.id))} strategy={verticalListSortingStrategy}>
                    <ul role="list">
                      {rows.map((c) => (
                        <SortableChannel key={c.id} channel={c} enabled={canCreate}>
                          {(drag) =>
                            c.type === 'voice' ? (
                              <VoiceChannelRow channel={c} active={c.id === selectedChannel} drag={drag} />
                            ) : (
                              <TextChannelRow channel={c} active={c.id === selectedChannel} drag={drag} />
                            )
                          }
                        </SortableChannel>
                      ))}
                    </ul>
                  </SortableContext>
                );
                if (!g.category) {
                  if (g.channels.length === 0) return <TopDropZone key={key} enabled={canCreate} />;
                  return (
                    <section key={key} className="channel-group" aria-label="Channels">
                      {list}
                    </section>
                  );
                }
                const category = g.category;
                return (
                  <SortableCategory key={key} category={category} enabled={canCreate}>
                    {(drag, into) => (
                      <section
                        ref={drag?.ref as Ref<HTMLElement> | undefined}
                        style={drag?.style}
                        className={`channel-group${drag?.className ?? ''}`}
                        aria-label={category.name}
                        data-category-id={category.id}
                      >
                        <div className={`category-row${into.isOver ? ' drag-over' : ''}`} ref={into.ref}>
                          {drag?.handle}
                          <button type="button" className="category-toggle" aria-expanded={!isCollapsed} onClick={() => toggle(key)}>
                            <ChevronIcon size={12} className={isCollapsed ? 'rot' : ''} />
                            {category.name}
                          </button>
                          <ChannelGear channel={category} />
                          {canCreate && (
                            <button
                              type="button"
                              className="icon-btn small"
                              aria-label={`Create channel in ${category.name}`}
                              title="Create channel"
                              onClick={() => open({ kind: 'create-channel', guildId, type: 'text', parentId: category.id })}
                            >
                              <PlusIcon size={14} />
                            </button>
                          )}
                        </div>
                        {list}
                      </section>
                    )}
                  </SortableCategory>
                );
              })}
            </SortableContext>
          </ChannelDnd>
        )}
        {guildId && canCreate && (
          <button
            type="button"
            className="add-channel"
            onClick={() => open({ kind: 'create-channel', guildId, type: 'text', parentId: null })}
          >
            <PlusIcon size={14} /> Add a channel
          </button>
        )}
      </nav>
      <VoicePanel />
      <UserPanel />
    </aside>
  );
}

function TextChannelRow({ channel, active, drag }: { channel: Channel; active: boolean; drag?: DragBinding | undefined }) {
  const settings = useNotificationSettings((s) => s.byGuild[channel.guildId]);
  const now = useNow();
  // A muted channel shows no unread marker; its mentions badge unless its level is "nothing" (Discord's rules).
  const display = unreadDisplay(settings, channel.id, now);
  const unread = useUnread((s) => isUnread(s, channel.id)) && display.showUnread;
  const mentions = useUnread((s) => s.mentionCount[channel.id] ?? 0) * (display.showMentions ? 1 : 0);
  const [menuAt, setMenuAt] = useState<{ x: number; y: number } | null>(null);
  const rowButton = useRef<HTMLButtonElement>(null);
  const closeMenu = useCallback((restore: boolean) => {
    setMenuAt(null);
    if (restore) rowButton.current?.focus();
  }, []);
  const status = mentions ? `, ${mentions} mentions` : unread ? ', unread' : '';
  return (
    <li
      ref={drag?.ref as Ref<HTMLLIElement> | undefined}
      style={drag?.style}
      className={`channel-row text${active ? ' active' : ''}${unread ? ' unread' : ''}${display.muted ? ' muted' : ''}${drag?.className ?? ''}`}
      data-channel-id={channel.id}
      data-muted={display.muted}
    >
      {unread && !active && <span className="unread-pill" aria-hidden="true" />}
      {drag?.handle}
      <button
        ref={rowButton}
        type="button"
        aria-current={active ? 'page' : undefined}
        aria-haspopup="menu"
        onClick={() => guildsStore.getState().selectChannel(channel.guildId, channel.id)}
        onContextMenu={(e) => {
          e.preventDefault();
          setMenuAt({ x: e.clientX, y: e.clientY });
        }}
        onKeyDown={(e) => {
          if (e.key !== 'ContextMenu' && !(e.shiftKey && e.key === 'F10')) return;
          e.preventDefault();
          const r = e.currentTarget.getBoundingClientRect();
          setMenuAt({ x: r.left + 16, y: r.bottom });
        }}
      >
        <HashIcon size={18} className="channel-icon" />
        <span className="channel-name">{channel.name}</span>
        {/* The name comes from the content (visible name first, then what the eye gets from the pill and badge). */}
        <span className="sr-only">{` (text channel)${display.muted ? ', muted' : ''}${status}`}</span>
        {mentions > 0 && (
          <span className="badge inline" aria-hidden="true">
            {mentions > 99 ? '99+' : mentions}
          </span>
        )}
      </button>
      <ChannelGear channel={channel} />
      {menuAt && <ChannelNotificationMenu channel={channel} at={menuAt} onClose={closeMenu} />}
    </li>
  );
}

function VoiceChannelRow({ channel, active, drag }: { channel: Channel; active: boolean; drag?: DragBinding | undefined }) {
  const { occupants, inThis } = useVoiceOccupants(channel);
  const guests = useVoiceGuests(channel);
  const unread = useUnread((s) => isUnread(s, channel.id));
  const mentions = useUnread((s) => s.mentionCount[channel.id] ?? 0);

  const join = () => {
    const v = voiceStore.getState();
    // Already in it: the click opens the channel's view (its cameras and streams), as Discord's second click does.
    if (v.target?.channelId === channel.id && v.connection !== 'failed') {
      guildsStore.getState().selectChannel(channel.guildId, channel.id);
      return;
    }
    v.join(channel.id, channel.guildId);
  };

  return (
    <li
      ref={drag?.ref as Ref<HTMLLIElement> | undefined}
      style={drag?.style}
      className={`channel-row voice${inThis ? ' connected' : ''}${active ? ' active' : ''}${unread ? ' unread' : ''}${drag?.className ?? ''}`}
      data-channel-id={channel.id}
    >
      {unread && !active && <span className="unread-pill" aria-hidden="true" />}
      {drag?.handle}
      <button
        type="button"
        aria-label={`${channel.name} (${channel.joinToCreate ? 'join to create a voice channel' : 'voice channel'})${channel.userLimit ? `, ${occupants.length} of ${channel.userLimit}` : occupants.length ? `, ${occupants.length} connected` : ''}${guests.length ? `, ${guests.length} ${guests.length === 1 ? 'guest' : 'guests'}` : ''}`}
        title={channel.joinToCreate ? 'Join to create your own voice channel' : undefined}
        onClick={join}
      >
        <SpeakerIcon size={18} className="channel-icon" />
        <span className="channel-name">{channel.name}</span>
        {channel.joinToCreate && (
          <span className="channel-join-create" aria-hidden="true">
            +
          </span>
        )}
        <VoiceLimit channel={channel} count={occupants.length} />
        {mentions > 0 && (
          <span className="badge inline" aria-hidden="true">
            {mentions > 99 ? '99+' : mentions}
          </span>
        )}
      </button>
      <ChannelGear channel={channel} />
      <ChannelRecordingsButton channel={channel} />
      {/* Discord's chat bubble: the voice channel's own text chat, with its unread state in the name. */}
      <button
        type="button"
        className="icon-btn small channel-gear channel-chat"
        aria-label={`Open chat for ${channel.name}${mentions ? `, ${mentions} mentions` : unread ? ', unread' : ''}`}
        aria-current={active ? 'page' : undefined}
        title="Open chat"
        onClick={() => openChannelChat(channel.guildId, channel.id)}
      >
        <ChatIcon size={14} />
      </button>
      {occupants.length + guests.length > 0 && (
        <ul className="voice-users" aria-label={`In ${channel.name}`}>
          {occupants.map((o) => (
            <li
              key={o.userId}
              className={`voice-user${o.speaking ? ' speaking' : ''}`}
              tabIndex={o.isSelf ? undefined : 0}
              aria-haspopup={o.isSelf ? undefined : 'menu'}
              onContextMenu={(e) => {
                if (o.isSelf) return;
                e.preventDefault();
                openMemberMenu(channel.guildId, o.userId, 'voice', e.currentTarget, { x: e.clientX, y: e.clientY });
              }}
              onKeyDown={(e) => {
                if (o.isSelf || (e.key !== 'ContextMenu' && !(e.shiftKey && e.key === 'F10') && e.key !== 'Enter')) return;
                e.preventDefault();
                openMemberMenu(channel.guildId, o.userId, 'voice', e.currentTarget);
              }}
              data-user-id={o.userId}
              data-speaking={o.speaking}
              data-muted={o.muted}
              data-deafened={o.deaf}
            >
              <Avatar id={o.userId} name={o.name} avatar={o.avatar} size={22} speaking={o.speaking} />
              <span className="voice-user-name">{o.name}</span>
              <VoiceUserIcons occupant={o} size={14} />
            </li>
          ))}
          <VoiceGuestItems channel={channel} guests={guests} />
        </ul>
      )}
    </li>
  );
}
