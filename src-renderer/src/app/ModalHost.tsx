import { GuildModals } from '../features/guilds/GuildModals';
import { MemberMenuHost } from '../features/members/MemberMenuHost';
import { RecordingsModals } from '../features/recordings/RecordingsModals';
import { AdminModals } from '../features/server-settings/AdminModals';
import { SettingsModal } from '../features/settings/SettingsModal';
import { useUi } from './services';

/**
 * Every dialog and menu the shell opens through the UI and member stores. The shell loads this module on the first
 * open (see Shell), so none of these screens weighs on the first load of a session that never opens them.
 */
export default function ModalHost() {
  const modal = useUi((s) => s.modal);
  return (
    <>
      {modal?.kind === 'settings' && <SettingsModal initialTab={modal.tab} />}
      <GuildModals />
      <AdminModals />
      <RecordingsModals />
      <MemberMenuHost />
    </>
  );
}
