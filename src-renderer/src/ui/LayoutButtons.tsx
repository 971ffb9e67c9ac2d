import { useUi } from '../app/services';
import { ChannelsIcon, UsersIcon } from './icons';
import { useNarrowLayout } from './useMediaQuery';

/** Chat header button of the narrow layout that opens the channel drawer (absent on wide screens: the column shows). */
export function ChannelsDrawerButton() {
  const narrow = useNarrowLayout();
  const open = useUi((s) => s.drawer === 'channels');
  const openDrawer = useUi((s) => s.openDrawer);
  if (!narrow) return null;
  return (
    <button
      type="button"
      className="icon-btn"
      aria-label="Show channels"
      aria-expanded={open}
      title="Channels"
      data-drawer-toggle="channels"
      onClick={() => openDrawer('channels')}
    >
      <ChannelsIcon />
    </button>
  );
}

/** Chat header button for the member list: a toggle of the column on wide screens, the drawer's opener when narrow. */
export function MembersButton() {
  const narrow = useNarrowLayout();
  const showMembers = useUi((s) => s.showMembers);
  const drawerOpen = useUi((s) => s.drawer === 'members');
  const toggleMembers = useUi((s) => s.toggleMembers);
  const openDrawer = useUi((s) => s.openDrawer);
  if (narrow) {
    return (
      <button
        type="button"
        className="icon-btn"
        aria-label="Show member list"
        aria-expanded={drawerOpen}
        title="Members"
        data-drawer-toggle="members"
        onClick={() => openDrawer('members')}
      >
        <UsersIcon />
      </button>
    );
  }
  return (
    <button
      type="button"
      className={`icon-btn${showMembers ? ' active' : ''}`}
      aria-label={showMembers ? 'Hide member list' : 'Show member list'}
      aria-pressed={showMembers}
      title="Members"
      data-drawer-toggle="members"
      onClick={toggleMembers}
    >
      <UsersIcon />
    </button>
  );
}
