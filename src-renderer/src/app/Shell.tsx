import { ChatPane } from '../features/chat/ChatPane';
import { ChannelSidebar } from '../features/guilds/ChannelSidebar';
import { GuildRail } from '../features/guilds/GuildRail';
import { GuildModals } from '../features/guilds/GuildModals';
import { MemberList } from '../features/guilds/MemberList';
import { MemberMenuHost } from '../features/members/MemberMenuHost';
import { SettingsModal } from '../features/settings/SettingsModal';
import { useDeviceWatcher } from '../features/settings/useDeviceWatcher';
import { RecordingBanner } from '../features/voice/RecordingBanner';
import { VoiceHost } from '../features/voice/VoiceHost';
import { useGuilds, useUi } from './services';
import { useShortcuts } from './useShortcuts';

/** The signed-in layout: guild rail | channels + voice/user panels | chat | members. */
export function Shell() {
  useDeviceWatcher();
  useShortcuts();
  const selectedGuildId = useGuilds((s) => s.selectedGuildId);
  const loaded = useGuilds((s) => s.loaded);
  const showMembers = useUi((s) => s.showMembers);
  const modal = useUi((s) => s.modal);
  const gateway = useUi((s) => s.gateway);
  return (
    <div className={`shell${showMembers && selectedGuildId ? ' with-members' : ''}`}>
      {gateway === 'reconnecting' && (
        <div className="connection-banner" role="status">
          Connection lost — reconnecting…
        </div>
      )}
      <RecordingBanner />
      <GuildRail />
      <ChannelSidebar />
      {selectedGuildId ? <ChatPane guildId={selectedGuildId} /> : <EmptyHome loaded={loaded} />}
      {showMembers && selectedGuildId && <MemberList guildId={selectedGuildId} />}
      <VoiceHost />
      {modal?.kind === 'settings' && <SettingsModal initialTab={modal.tab} />}
      <GuildModals />
      <MemberMenuHost />
    </div>
  );
}

function EmptyHome({ loaded }: { loaded: boolean }) {
  const open = useUi((s) => s.open);
  return (
    <main className="chat-pane empty-home" aria-label="Home">
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
