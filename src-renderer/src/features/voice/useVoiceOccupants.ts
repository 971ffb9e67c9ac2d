import { useMemo } from 'react';
import { useAuth, useGuilds, useVoice, useVoicePresence } from '../../app/services';
import type { Channel, VoiceState } from '../../api/types';

/** Who is in a voice channel, as the sidebar row and the voice view show them. */
export interface Occupant {
  userId: string;
  name: string;
  avatar: string | null | undefined;
  isSelf: boolean;
  speaking: boolean;
  muted: boolean;
  deaf: boolean;
  serverMute: boolean;
  serverDeaf: boolean;
  /** Camera on / screen share live, as the server reports LiveKit's tracks. */
  video: boolean;
  streaming: boolean;
}

/**
 * The server's voice states are the truth for who is there; while we are in the call, LiveKit's live view is merged in
 * so our own entry and speaking rings don't wait for a webhook round trip.
 *
 * @example const { occupants, inThis } = useVoiceOccupants(channel);
 */
export function useVoiceOccupants(channel: Channel): { occupants: Occupant[]; inThis: boolean } {
  const states = useVoicePresence((s) => s.voiceByChannel[channel.id]);
  const members = useGuilds((s) => s.membersByGuild[channel.guildId]);
  const current = useVoice((s) => s.current?.channelId ?? s.target?.channelId);
  const participants = useVoice((s) => s.participants);
  const selfId = useAuth((s) => s.user?.id);
  const inThis = current === channel.id;

  const occupants = useMemo(() => {
    const byUser = new Map<string, VoiceState | { userId: string; live: true }>();
    for (const v of states ?? []) byUser.set(v.userId, v);
    if (inThis) {
      for (const p of Object.values(participants)) if (!byUser.has(p.identity)) byUser.set(p.identity, { userId: p.identity, live: true });
    }
    return [...byUser.values()].map((r): Occupant => {
      const member = members?.find((m) => m.user.id === r.userId);
      const live = inThis ? participants[r.userId] : undefined;
      const vs = 'live' in r ? null : r;
      return {
        userId: r.userId,
        name: member?.nick ?? member?.user.displayName ?? live?.name ?? 'Unknown',
        avatar: member?.user.avatar,
        isSelf: r.userId === selfId,
        speaking: live?.speaking ?? false,
        muted: (vs?.selfMute ?? false) || (vs?.serverMute ?? false) || (live?.muted ?? false),
        deaf: (vs?.selfDeaf ?? false) || (vs?.serverDeaf ?? false),
        serverMute: vs?.serverMute ?? false,
        serverDeaf: vs?.serverDeaf ?? false,
        video: vs?.selfVideo ?? false,
        streaming: vs?.selfStream ?? false,
      };
    });
  }, [states, participants, inThis, members, selfId]);
  return { occupants, inThis };
}
