import { useMemo } from 'react';
import { uiStore, useGuilds, useUi } from '../../app/services';
import { Dialog } from '../../ui/Dialog';
import { RecordingList } from './RecordingList';
import './recordings.css';

/** The recordings dialogs opened through the UI store's `modal`. */
export function RecordingsModals() {
  const modal = useUi((s) => s.modal);
  if (modal?.kind !== 'channel-recordings') return null;
  return <ChannelRecordingsDialog guildId={modal.guildId} channelId={modal.channelId} />;
}

function ChannelRecordingsDialog({ guildId, channelId }: { guildId: string; channelId: string }) {
  const channel = useGuilds((s) => s.channelsByGuild[guildId]?.find((c) => c.id === channelId));
  const scope = useMemo(() => ({ kind: 'channel' as const, guildId, channelId }), [guildId, channelId]);
  const close = () => uiStore.getState().open(null);
  const name = channel?.name ?? 'channel';
  return (
    <Dialog open onClose={close} title={`Recordings of ${name}`} size="wide" className="recordings-dialog">
      <div className="modal-body">
        <RecordingList scope={scope} caption={`Recordings of ${name}, newest first`} />
      </div>
    </Dialog>
  );
}
