import { useEffect, useState, type ReactNode } from 'react';
import type { PrivateChannel } from '@shared/api/private-channels';
import { chatStore, privateChannelsStore, uiStore, useAuth } from '../../app/services';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { InviteIcon, PencilIcon, UsersIcon } from '../../ui/icons';
import { ChannelsDrawerButton } from '../../ui/LayoutButtons';
import { CallBar } from '../calls/CallBar';
import { ChannelChat } from '../chat/ChannelChat';
import { PinsButton } from '../chat/PinsButton';
import { GroupDmDialog, GroupMembersDialog, RenameGroupDialog } from './GroupDmDialog';
import { channelLabel } from './private-channels.store';

/**
 * A DM or group DM: the same message list, composer and typing line as a guild's text channel (ChannelChat with no
 * guild), under a header naming the people. `actions` fill the header's call slot (`.dm-header-actions`): the call
 * button belongs to the calls UI, not to this view.
 */
export function DmChatPane({ channel, actions }: { channel: PrivateChannel; actions?: ReactNode }) {
  const label = channelLabel(channel);
  const group = channel.type === 'group_dm';
  const [dialog, setDialog] = useState<'rename' | 'add' | 'members' | 'leave' | null>(null);
  const selfId = useAuth((s) => s.user?.id ?? '');
  useEffect(() => {
    void chatStore.getState().loadLatest(channel.id);
  }, [channel.id]);
  return (
    <main className="chat-pane dm-pane" aria-label={group ? label : `@${label}`}>
      <header className="chat-header">
        <ChannelsDrawerButton />
        <span className="muted dm-at" aria-hidden="true">
          @
        </span>
        <h1>{label}</h1>
        <span className="spacer" />
        <PinsButton channelId={channel.id} guildId={null} channelName={label} />
        <div className="dm-header-actions">{actions}</div>
        {group && (
          <>
            <button type="button" className="icon-btn" aria-label="Group members" title="Members" onClick={() => setDialog('members')}>
              <UsersIcon size={18} />
            </button>
            <button type="button" className="icon-btn" aria-label="Rename group" title="Rename group" onClick={() => setDialog('rename')}>
              <PencilIcon size={18} />
            </button>
            <button
              type="button"
              className="icon-btn"
              aria-label="Add people to the group"
              title="Add people"
              onClick={() => setDialog('add')}
            >
              <InviteIcon size={18} />
            </button>
            <button type="button" className="btn secondary small" onClick={() => setDialog('leave')}>
              Leave group
            </button>
          </>
        )}
      </header>
      <CallBar channelId={channel.id} />
      <ChannelChat channel={{ id: channel.id, name: label }} guildId={null} />
      {dialog === 'rename' && <RenameGroupDialog channel={channel} onClose={() => setDialog(null)} />}
      {dialog === 'add' && <GroupDmDialog addTo={channel} onClose={() => setDialog(null)} />}
      {dialog === 'members' && <GroupMembersDialog channel={channel} selfId={selfId} onClose={() => setDialog(null)} />}
      {dialog === 'leave' && (
        <ConfirmDialog
          open
          title={`Leave '${label}'`}
          confirmLabel="Leave group"
          danger
          onCancel={() => setDialog(null)}
          onConfirm={() => {
            setDialog(null);
            void privateChannelsStore
              .getState()
              .close(channel.id)
              .then((r) => {
                if (!r.ok) uiStore.getState().toast('error', r.message);
              });
          }}
        >
          <p>You will not get this group&apos;s messages any more, unless someone adds you back.</p>
        </ConfirmDialog>
      )}
    </main>
  );
}
