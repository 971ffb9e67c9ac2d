import type { Channel } from '../../api/types';
import { uiStore } from '../../app/services';
import { RecordIcon } from '../../ui/icons';
import { useCan } from '../guilds/usePermissions';
import './recordings.css';

/** On a voice channel row (hover / keyboard focus), for members with RECORD there: opens the channel's recordings. */
export function ChannelRecordingsButton({ channel }: { channel: Channel }) {
  const can = useCan(channel.guildId, 'RECORD', channel);
  if (!can || channel.type !== 'voice') return null;
  return (
    <button
      type="button"
      className="icon-btn small channel-gear channel-recordings"
      aria-label={`Recordings of ${channel.name}`}
      title="Recordings"
      onClick={() => uiStore.getState().open({ kind: 'channel-recordings', guildId: channel.guildId, channelId: channel.id })}
    >
      <RecordIcon size={14} />
    </button>
  );
}
