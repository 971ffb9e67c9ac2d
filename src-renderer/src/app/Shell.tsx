import { lazy, Suspense, useEffect } from 'react';
import { ChatPane } from '../features/chat/ChatPane';
import { ChannelSidebar } from '../features/guilds/ChannelSidebar';
import { GuildRail } from '../features/guilds/GuildRail';
import { MemberList } from '../features/guilds/MemberList';
import { useDeviceWatcher } from '../features/settings/useDeviceWatcher';
import { RecordingBanner } from '../features/voice/RecordingBanner';
import { VoiceHost } from '../features/voice/VoiceHost';
import { CallHost } from '../features/calls/CallHost';
import { Drawer } from '../ui/Drawer';
import { ChannelsDrawerButton } from '../ui/LayoutButtons';
import { useNarrowLayout } from '../ui/useMediaQuery';
import { uiStore, useGuilds, useMembers, useUi } from './services';
import { useShortcuts } from './useShortcuts';

// Dialogs and menus load on first open (most sessions open few of them), keeping them out of the first script.
const ModalHost = lazy(() => import('./ModalHost'));
// Home (friends and DMs) loads on first open too: a session that stays in its servers never needs it.
const HomeView = lazy(() => import('../features/home/HomeView'));

/**
 * The signed-in layout: guild rail | channels + voice/user panels | chat | members. Under 900 px (NARROW_LAYOUT) the
 * channel and member columns are drawers opened from the chat header; while one is open the rest is inert.
 */
export function Shell() {
  useDeviceWatcher();
  useShortcuts();
  const home = useGuilds((s) => s.home);
  const selectedGuildId = useGuilds((s) => (s.home ? null : s.selectedGuildId));
  const selectedChannelId = useGuilds((s) => (s.selectedGuildId ? s.selectedChannelByGuild[s.selectedGuildId] : undefined));
  const loaded = useGuilds((s) => s.loaded);
  const showMembers = useUi((s) => s.showMembers);
  const modal = useUi((s) => s.modal);
  const memberUiOpen = useMembers((s) => s.menu !== null || s.dialog !== null || s.removals.length > 0);
  const gateway = useUi((s) => s.gateway);
  const drawer = useUi((s) => s.drawer);
  const closeDrawer = useUi((s) => s.closeDrawer);
  const narrow = useNarrowLayout();
  const membersShown = selectedGuildId !== null && (narrow ? drawer === 'members' : showMembers);
  const drawerOpen = narrow && drawer !== null;

  // Back to columns: no drawer stays open. Picking a channel (or server) in the channel drawer shows its chat.
  useEffect(() => {
    if (!narrow) closeDrawer();
  }, [narrow, closeDrawer]);
  useEffect(() => {
    if (uiStore.getState().drawer === 'channels') closeDrawer();
  }, [selectedGuildId, selectedChannelId, home, closeDrawer]);

  return (
    <div className={`shell${membersShown && !narrow ? ' with-members' : ''}${narrow ? ' narrow' : ''}`}>
      {gateway === 'reconnecting' && (
        <div className="connection-banner" role="status">
          Connection lost — reconnecting…
        </div>
      )}
      <RecordingBanner />
      <div className="shell-part" inert={drawerOpen}>
        <GuildRail />
      </div>
      {home ? (
        <Suspense fallback={<div className="shell-part" role="status" aria-label="Loading" />}>
          <HomeView />
        </Suspense>
      ) : (
        <>
          <Drawer
            id="channels"
            drawer={narrow}
            open={drawer === 'channels'}
            onClose={closeDrawer}
            closeOn=".channel-row.text > button, .channel-chat"
          >
            <ChannelSidebar />
          </Drawer>
          <div className="shell-part" inert={drawerOpen}>
            {selectedGuildId ? <ChatPane guildId={selectedGuildId} /> : <EmptyHome loaded={loaded} />}
          </div>
        </>
      )}
      {membersShown && (
        <Drawer id="members" drawer={narrow} open={drawer === 'members'} onClose={closeDrawer}>
          <MemberList guildId={selectedGuildId} />
        </Drawer>
      )}
      {drawerOpen && <div className="drawer-overlay" aria-hidden="true" onClick={closeDrawer} />}
      <VoiceHost />
      <CallHost />
      {(modal !== null || memberUiOpen) && (
        <Suspense fallback={null}>
          <ModalHost />
        </Suspense>
      )}
    </div>
  );
}

function EmptyHome({ loaded }: { loaded: boolean }) {
  const open = useUi((s) => s.open);
  return (
    <main className="chat-pane empty-home" aria-label="Home">
      <header className="chat-header">
        <ChannelsDrawerButton />
      </header>
      {loaded ? (
        <div className="empty-state">
          <h2>No servers yet</h2>
          <p className="muted">Create a server for your friends, or join one with an invite link.</p>
          <div className="row">
            <button type="button" className="btn primary" onClick={() => open({ kind: 'create-guild' })}>
              Create a server
            </button>
          </div>
        </div>
      ) : (
        <div className="empty-state" role="status">
          <p className="muted">Loading…</p>
        </div>
      )}
    </main>
  );
}
