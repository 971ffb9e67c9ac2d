import { GUEST_IDENTITY_PREFIX, isGuestIdentity, type VoiceGuest, type VoiceGuestUpdateEvent } from '@shared/api/embed';
import { voiceRoomName } from '@shared/api/voice';
import { hasPermission, Permission } from '@shared/permissions/permissions';
import { AppError } from '../../errors';
import type { VoiceRoomService } from '../../livekit/room-service';
import type { Logger } from '../../logger';
import type { EmbedRepo, VoiceGuestRecord } from './embed.repo';

export interface GuestPresenceDeps {
  repo: Pick<EmbedRepo, 'upsertGuest' | 'removeGuest' | 'findGuest' | 'listGuestsInGuild' | 'listGuests'>;
  rooms: Pick<VoiceRoomService, 'listParticipants' | 'removeParticipant'>;
  /** The guild of a guild voice channel, or null (a deleted channel, a DM call's room). */
  guildOfVoiceChannel: (channelId: string) => Promise<string | null>;
  /** A member's permissions in a channel they can view; null when they cannot view it (or are not a member). */
  channelPermissions: (userId: string, channelId: string) => Promise<number | null>;
  /** Throws 404 when the user is not a member of the guild. */
  requireMember: (userId: string, guildId: string) => Promise<void>;
  /** VOICE_GUEST_UPDATE to the channel's viewers. */
  publish: (event: VoiceGuestUpdateEvent) => Promise<void>;
  log: Logger;
}

export const toVoiceGuest = (g: VoiceGuestRecord): VoiceGuest => ({
  identity: g.identity,
  name: g.name,
  guildId: g.guildId,
  channelId: g.channelId,
  joinedAt: g.joinedAt.toISOString(),
});

/** A guest's name when LiveKit reported none: what the token route would have named them. */
const fallbackName = (identity: string) => `Guest ${identity.slice(GUEST_IDENTITY_PREFIX.length, GUEST_IDENTITY_PREFIX.length + 4)}`;

/**
 * Who of the voice widget's guests is in which voice channel, so members see them in the channel's voice list (issue
 * 18). Members' voice states stay as they are (their `userId` is always a user id); guests are kept apart, from the
 * same LiveKit webhooks, and a sweep drops guests whose leave was missed.
 */
export function createGuestPresence(deps: GuestPresenceDeps) {
  const { repo, rooms, log } = deps;

  async function announceLeft(g: VoiceGuestRecord, source: string): Promise<void> {
    log.info({ identity: g.identity, channelId: g.channelId, source }, 'voice guest left');
    await deps.publish({ ...toVoiceGuest(g), connected: false });
  }

  async function visibleTo(userId: string, guildId: string): Promise<VoiceGuest[]> {
    const all = await repo.listGuestsInGuild(guildId);
    const channels = [...new Set(all.map((g) => g.channelId))];
    const seen = new Set<string>();
    for (const channelId of channels) if ((await deps.channelPermissions(userId, channelId)) !== null) seen.add(channelId);
    return all.filter((g) => seen.has(g.channelId)).map(toVoiceGuest);
  }

  return {
    /** participant_joined of a guest identity in a voice channel's room. */
    async observeJoin(input: { identity: string; name: string; sid: string; channelId: string; joinedAtMs: number }): Promise<boolean> {
      if (!isGuestIdentity(input.identity)) return false;
      const guildId = await deps.guildOfVoiceChannel(input.channelId);
      if (!guildId) return false;
      const previous = await repo.findGuest(input.identity);
      const record: VoiceGuestRecord = {
        identity: input.identity,
        name: input.name || fallbackName(input.identity),
        guildId,
        channelId: input.channelId,
        sid: input.sid,
        joinedAt: new Date(input.joinedAtMs || Date.now()),
      };
      await repo.upsertGuest(record);
      if (previous && previous.channelId !== record.channelId) await announceLeft(previous, 'rejoined elsewhere');
      log.info({ identity: input.identity, channelId: input.channelId }, 'voice guest joined');
      await deps.publish({ ...toVoiceGuest(record), connected: true });
      return true;
    },

    /** participant_left of a guest identity: only the connection that left (a reconnect's newer one stays). */
    async observeLeave(input: { identity: string; sid: string }): Promise<boolean> {
      if (!isGuestIdentity(input.identity)) return false;
      const removed = await repo.removeGuest(input.identity, input.sid);
      if (removed) await announceLeft(removed, 'webhook');
      return removed !== null;
    },

    /** The guests in the guild's voice channels that the user can view. */
    async list(userId: string, guildId: string): Promise<VoiceGuest[]> {
      await deps.requireMember(userId, guildId);
      return visibleTo(userId, guildId);
    },

    /** For READY / GUILD_CREATE (the gateway filters by visible channels itself). */
    async listInGuild(guildId: string): Promise<VoiceGuest[]> {
      return (await repo.listGuestsInGuild(guildId)).map(toVoiceGuest);
    },

    /**
     * A moderator disconnects a guest (MOVE_MEMBERS in the guest's channel, as for members). 404 when the guest is not
     * in a voice channel of this guild that the actor can view. The guest may join again while guests are allowed.
     */
    async disconnect(actorId: string, guildId: string, identity: string): Promise<void> {
      await deps.requireMember(actorId, guildId);
      const guest = await repo.findGuest(identity);
      if (!guest || guest.guildId !== guildId) throw AppError.notFound('Guest');
      const perms = await deps.channelPermissions(actorId, guest.channelId);
      if (perms === null) throw AppError.notFound('Guest');
      if (!hasPermission(perms, Permission.MOVE_MEMBERS)) {
        log.info({ actorId, identity, channelId: guest.channelId }, 'voice guest disconnect refused: no MOVE_MEMBERS');
        throw AppError.forbidden('Missing MOVE_MEMBERS permission');
      }
      await rooms.removeParticipant(voiceRoomName(guest.channelId), identity);
      const removed = await repo.removeGuest(identity, null);
      log.info({ actorId, identity, channelId: guest.channelId }, 'voice guest disconnected by a moderator');
      if (removed) await announceLeft(removed, 'moderator');
    },

    /** Drops guests LiveKit no longer lists (a missed participant_left); one room listing per room with guests. */
    async sweep(): Promise<number> {
      const all = await repo.listGuests();
      const byChannel = new Map<string, VoiceGuestRecord[]>();
      for (const g of all) byChannel.set(g.channelId, [...(byChannel.get(g.channelId) ?? []), g]);
      let dropped = 0;
      for (const [channelId, guests] of byChannel) {
        const live = new Map((await rooms.listParticipants(voiceRoomName(channelId))).map((p) => [p.identity, p.sid]));
        for (const g of guests) {
          if (live.get(g.identity) === g.sid) continue;
          const removed = await repo.removeGuest(g.identity, g.sid);
          if (removed) {
            dropped++;
            await announceLeft(removed, 'sweep');
          }
        }
      }
      return dropped;
    },
  };
}
export type GuestPresence = ReturnType<typeof createGuestPresence>;
