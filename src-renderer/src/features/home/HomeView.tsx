import { lazy, Suspense, useState } from 'react';
import type { PrivateChannel } from '@shared/api/private-channels';
import { callHistoryStore, privateChannelsStore, useCallHistory, uiStore, usePrivateChannels, useUi, useUnread } from '../../app/services';
import { Avatar } from '../../ui/Avatar';
import { Drawer } from '../../ui/Drawer';
import { CloseIcon, PlusIcon, UsersIcon } from '../../ui/icons';
import { useNarrowLayout } from '../../ui/useMediaQuery';
import { isUnread } from '../guilds/unread.store';
import { UserPanel } from '../voice/UserPanel';
import { VoicePanel } from '../voice/VoicePanel';
import { CallButton } from '../calls/CallButton';
import { CallsNavEntry } from '../calls/CallsNavEntry';
import { DmCallButton } from '../calls/DmCallButton';
import { DmChatPane } from './DmChatPane';
import { FriendsPane } from './FriendsPane';
import { GroupDmDialog } from './GroupDmDialog';
import { channelLabel, sortedChannels } from './private-channels.store';
import './home.css';
import '../guilds/structure.css';

// The call history loads when first opened.
const CallHistoryView = lazy(() => import('../calls/CallHistoryView'));

/**
 * Home (issue 16), loaded on first open: a column with Friends and my DMs (newest activity first) beside the friends
 * page or the open DM. Narrow, the column is the channels drawer, as a guild's channel list is.
 */
export default function HomeView() {
  const narrow = useNarrowLayout();
  const drawer = useUi((s) => s.drawer);
  const closeDrawer = useUi((s) => s.closeDrawer);
  const selectedId = usePrivateChannels((s) => s.selectedId);
  const selected = usePrivateChannels((s) => (s.selectedId ? s.byId[s.selectedId] : undefined));
  const drawerOpen = narrow && drawer !== null;
  const historyOpen = useCallHistory((s) => s.open);
  return (
    <>
      <Drawer
        id="channels"
        drawer={narrow}
        open={drawer === 'channels'}
        onClose={closeDrawer}
        closeOn=".dm-row > button.dm-open, .home-friends"
      >
        <HomeSidebar />
      </Drawer>
      <div className="shell-part" inert={drawerOpen}>
        {historyOpen ? (
          <Suspense fallback={null}>
            <CallHistoryView />
          </Suspense>
        ) : selectedId && selected ? (
          <DmChatPane channel={selected} actions={<CallButton channelId={selected.id} />} />
        ) : (
          <FriendsPane />
        )}
      </div>
    </>
  );
}

function HomeSidebar() {
  const byId = usePrivateChannels((s) => s.byId);
  const historyOpen = useCallHistory((s) => s.open);
  const selectedId = usePrivateChannels((s) => (historyOpen ? undefined : s.selectedId));
  const [creating, setCreating] = useState(false);
  const channels = sortedChannels(byId);
  return (
    <aside className="channel-sidebar home-sidebar" aria-label="Direct messages">
      <header className="sidebar-header">
        <h2>Home</h2>
      </header>
      <nav className="channel-scroll" aria-label="Friends and direct messages">
        <button
          type="button"
          className={`home-friends${selectedId === null ? ' active' : ''}`}
          aria-current={selectedId === null ? 'page' : undefined}
          onClick={() => {
            callHistoryStore.getState().hide();
            privateChannelsStore.getState().select(null);
          }}
        >
          <UsersIcon size={20} /> Friends
        </button>
        <CallsNavEntry selected={historyOpen} onSelect={() => callHistoryStore.getState().show()} />
        <div className="category-row dm-heading">
          <h3 className="dm-heading-text">Direct Messages</h3>
          <button
            type="button"
            className="icon-btn small"
            aria-label="Create a group DM"
            title="Create DM"
            onClick={() => setCreating(true)}
          >
            <PlusIcon size={14} />
          </button>
        </div>
        {channels.length === 0 ? (
          <p className="muted small dm-empty">No direct messages yet.</p>
        ) : (
          <ul role="list" className="dm-list">
            {channels.map((c) => (
              <DmRow key={c.id} channel={c} active={c.id === selectedId} />
            ))}
          </ul>
        )}
      </nav>
      <VoicePanel />
      <UserPanel />
      {creating && <GroupDmDialog onClose={() => setCreating(false)} />}
    </aside>
  );
}

function DmRow({ channel, active }: { channel: PrivateChannel; active: boolean }) {
  const unread = useUnread((s) => isUnread(s, channel.id));
  const mentions = useUnread((s) => s.mentionCount[channel.id] ?? 0);
  const label = channelLabel(channel);
  const first = channel.recipients[0];
  const group = channel.type === 'group_dm';
  const status = mentions ? `, ${mentions} mentions` : unread ? ', unread' : '';
  return (
    <li className={`dm-row${active ? ' active' : ''}${unread ? ' unread' : ''}`} data-channel-id={channel.id} data-unread={unread}>
      {unread && !active && <span className="unread-pill" aria-hidden="true" />}
      <button
        type="button"
        className="dm-open"
        aria-current={active ? 'page' : undefined}
        onClick={() => privateChannelsStore.getState().select(channel.id)}
      >
        {group || !first ? (
          <Avatar id={channel.id} name={label} size={32} />
        ) : (
          <Avatar id={first.id} name={first.displayName} avatar={first.avatar} size={32} />
        )}
        <span className="dm-name">
          <span className="dm-label">{label}</span>
          {group && <span className="muted small">{channel.recipients.length + 1} members</span>}
        </span>
        <span className="sr-only">{`${group ? ' (group)' : ''}${status}`}</span>
        {mentions > 0 && (
          <span className="badge inline" aria-hidden="true" data-testid="dm-unread">
            {mentions > 99 ? '99+' : mentions}
          </span>
        )}
      </button>
      <DmCallButton channelId={channel.id} label={label} />
      <button
        type="button"
        className="icon-btn small dm-close"
        aria-label={group ? `Leave ${label}` : `Close DM with ${label}`}
        title={group ? 'Leave group' : 'Close DM'}
        onClick={() =>
          void privateChannelsStore
            .getState()
            .close(channel.id)
            .then((r) => {
              if (!r.ok) uiStore.getState().toast('error', r.message);
            })
        }
      >
        <CloseIcon size={14} />
      </button>
    </li>
  );
}
