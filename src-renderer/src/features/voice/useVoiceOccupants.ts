import { useMemo } from 'react';
import { useAuth, useGuilds, useVoice, useVoicePresence } from '../../app/services';
import type { Channel, VoiceState } from '../../api/types';
import { hasPermission, Permission } from '@shared/permissions/permissions';
import { permissionsIn } from '../guilds/permissions';
import { streamViewers } from './video-tiles';

/** A guest's LiveKit identity (src-shared/api/embed GUEST_IDENTITY_PREFIX; that module is not imported at run time here). */
export const isGuest = (identity: string): boolean => identity.startsWith('guest:');

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
  /** While streaming: how many in the channel watch it (as their clients report it). */
  viewers: number;
  /** No SPEAK in this channel (the server keeps their microphone off); false when their roles are not known here. */
  cannotSpeak: boolean;
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
  const guild = useGuilds((s) => s.guilds.find((g) => g.id === channel.guildId));
  const roles = useGuilds((s) => s.rolesByGuild[channel.guildId]);
  const channels = useGuilds((s) => s.channelsByGuild[channel.guildId]);
  const current = useVoice((s) => s.current?.channelId ?? s.target?.channelId);
  const participants = useVoice((s) => s.participants);
  const selfId = useAuth((s) => s.user?.id);
  const inThis = current === channel.id;

  const occupants = useMemo(() => {
    const viewers = streamViewers(states ?? []);
    const byUser = new Map<string, VoiceState | { userId: string; live: true }>();
    for (const v of states ?? []) byUser.set(v.userId, v);
    if (inThis) {
      for (const p of Object.values(participants))
        if (!byUser.has(p.identity) && !isGuest(p.identity)) byUser.set(p.identity, { userId: p.identity, live: true });
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
        viewers: viewers.get(r.userId)?.length ?? 0,
        cannotSpeak:
          member !== undefined &&
          guild !== undefined &&
          !hasPermission(
            permissionsIn(
              { userId: r.userId, guild, roles: roles ?? [], channels: channels ?? [], memberRoleIds: member.roleIds },
              channel,
            ),
            Permission.SPEAK,
          ),
      };
    });
  }, [states, participants, inThis, members, selfId, guild, roles, channels, channel]);
  return { occupants, inThis };
}

/** Someone watching a stream: what the stream's tile shows of them. */
export interface StreamViewer {
  id: string;
  name: string;
  /** The user's avatar hash, or null (undefined: not a loaded member) for the initial. */
  avatar: string | null | undefined;
}

/**
 * Who watches each stream in the voice channel I am in (not in a call: a call's two or three people see each other's
 * tiles): streamer id → the viewers, in the order their voice states name them.
 *
 * @example const viewers = useStreamViewers(); viewers.get(tile.identity)?.map((v) => v.name)
 */
export function useStreamViewers(): Map<string, StreamViewer[]> {
  const where = useVoice((s) => (s.current?.callId ? undefined : s.current));
  const states = useVoicePresence((s) => (where ? s.voiceByChannel[where.channelId] : undefined));
  const members = useGuilds((s) => (where ? s.membersByGuild[where.guildId] : undefined));
  // Members not loaded here (an invisible one, say) go by the name they have in the call.
  const participants = useVoice((s) => s.participants);
  return useMemo(() => {
    const viewers = new Map<string, StreamViewer[]>();
    for (const [streamer, ids] of streamViewers(states ?? [])) {
      viewers.set(
        streamer,
        ids.map((id) => {
          const member = members?.find((m) => m.user.id === id);
          return {
            id,
            name: member?.nick ?? member?.user.displayName ?? (participants[id]?.name || 'Unknown'),
            avatar: member?.user.avatar,
          };
        }),
      );
    }
    return viewers;
  }, [states, members, participants]);
}

/** A voice widget guest in a channel: a name and a speaking ring, nothing a member has (no profile, no DM). */
export interface GuestOccupant {
  identity: string;
  name: string;
  speaking: boolean;
  /** A moderator took the guest's microphone. */
  serverMute: boolean;
}

/**
 * The voice widget's guests in a voice channel: the server's list (LiveKit's webhooks), and while we are in the call,
 * LiveKit's live view too. Kept apart from members: they take no seat and have no member actions.
 *
 * @example const guests = useVoiceGuests(channel);
 */
export function useVoiceGuests(channel: Channel): GuestOccupant[] {
  const guests = useVoicePresence((s) => s.guestsByChannel[channel.id]);
  const current = useVoice((s) => s.current?.channelId ?? s.target?.channelId);
  const participants = useVoice((s) => s.participants);
  const inThis = current === channel.id;
  return useMemo(() => {
    const byId = new Map<string, GuestOccupant>();
    for (const g of guests ?? [])
      byId.set(g.identity, { identity: g.identity, name: g.name, speaking: false, serverMute: g.serverMute ?? false });
    if (inThis)
      for (const p of Object.values(participants))
        if (isGuest(p.identity)) {
          const listed = byId.get(p.identity);
          byId.set(p.identity, {
            identity: p.identity,
            name: p.name || listed?.name || 'Guest',
            speaking: p.speaking,
            serverMute: listed?.serverMute ?? false,
          });
        }
    return [...byId.values()];
  }, [guests, participants, inThis]);
}
