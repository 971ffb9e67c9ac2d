import { GUEST_IDENTITY_PREFIX, isGuestIdentity, type VoiceGuest, type VoiceGuestUpdateEvent } from '@shared/api/embed';
import { channelIdFromRoom, voiceRoomName } from '@shared/api/voice';
import { hasPermission, Permission } from '@shared/permissions/permissions';
import { AppError } from '../../errors';
import { serialPasses } from '../../serial-passes';
import type { AuditService } from '../audit/audit.service';
import type { LiveParticipant, VoiceRoomService } from '../../livekit/room-service';
import type { VoiceMediaRights } from '../../livekit/tokens';
import type { Logger } from '../../logger';
import type { EmbedRepo, VoiceGuestRecord } from './embed.repo';

export interface GuestPresenceDeps {
  repo: Pick<EmbedRepo, 'upsertGuest' | 'setGuestMute' | 'removeGuest' | 'findGuest' | 'listGuestsInGuild' | 'listGuests'>;
  rooms: Pick<VoiceRoomService, 'listRooms' | 'listParticipants' | 'removeParticipant' | 'applyRights'>;
  /** The guild of a guild voice channel, or null (a deleted channel, a DM call's room). */
  guildOfVoiceChannel: (channelId: string) => Promise<string | null>;
  /**
   * What a guest may do in the channel now, by the same rules as the guest token route (guests on, an origin listed,
   * @everyone's CONNECT / SPEAK): null when it is no guild voice channel.
   */
  guestRights: (channelId: string) => Promise<{ connect: boolean; speak: boolean } | null>;
  /** A member's permissions in a channel they can view; null when they cannot view it (or are not a member). */
  channelPermissions: (userId: string, channelId: string) => Promise<number | null>;
  /** Throws 404 when the user is not a member of the guild. */
  requireMember: (userId: string, guildId: string) => Promise<void>;
  audit: Pick<AuditService, 'record'>;
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
  serverMute: g.serverMute,
});

/** A guest who may listen only: what the token route grants without `speak`. */
const LISTEN_ONLY: VoiceMediaRights = { microphone: false, camera: false, screenShare: false, canSubscribe: true };
/** A guest who may speak: the microphone, as the token route grants with `speak`, and nothing else. */
const SPEAK: VoiceMediaRights = { ...LISTEN_ONLY, microphone: true };

/** What one sweep did. */
export interface GuestSweepResult {
  /** Guests LiveKit no longer lists (a missed participant_left). */
  dropped: number;
  /** Guests LiveKit lists that we had not recorded (a missed participant_joined). */
  adopted: number;
  /** Guests disconnected because their channel no longer admits guests (guests turned off, @everyone lost CONNECT). */
  evicted: number;
  /** Guests whose microphone was taken because guests may now only listen there. */
  silenced: number;
  /** Guests given the microphone because guests may speak there again (and no moderator muted them). */
  restored: number;
}

/** A guest's name when LiveKit reported none: what the token route would have named them. */
const fallbackName = (identity: string) => `Guest ${identity.slice(GUEST_IDENTITY_PREFIX.length, GUEST_IDENTITY_PREFIX.length + 4)}`;

/**
 * Who of the voice widget's guests is in which voice channel, so members see them in the channel's voice list (issue
 * 18). Members' voice states stay as they are (their `userId` is always a user id); guests are kept apart, from the
 * same LiveKit webhooks. A sweep against LiveKit's own lists drops guests whose leave was missed, lists those whose
 * join was missed, and applies the guild's guest rules to guests already connected (a token is only checked when it
 * connects): a guild that turns guests off, or a channel whose @everyone loses CONNECT, loses its guests; one whose
 * guests may now only listen takes their microphones, and gives them back (to guests no moderator muted) once guests
 * may speak there again.
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

  /** The guest `actorId` may act on with `bit` in its channel; 404 when not in a channel of the guild they can view. */
  async function moderatable(actorId: string, guildId: string, identity: string, bit: number, name: string): Promise<VoiceGuestRecord> {
    await deps.requireMember(actorId, guildId);
    const guest = await repo.findGuest(identity);
    if (!guest || guest.guildId !== guildId) throw AppError.notFound('Guest');
    const perms = await deps.channelPermissions(actorId, guest.channelId);
    if (perms === null) throw AppError.notFound('Guest');
    if (!hasPermission(perms, bit)) {
      log.info({ actorId, identity, channelId: guest.channelId }, `voice guest moderation refused: no ${name}`);
      throw AppError.forbidden(`Missing ${name} permission`);
    }
    return guest;
  }

  async function safeAudit(entry: Parameters<AuditService['record']>[0]): Promise<void> {
    try {
      await deps.audit.record(entry);
    } catch (err) {
      // The action already happened; losing its audit line is bad, failing the request for it is worse.
      log.error({ err, action: entry.action }, 'audit record failed');
    }
  }

  /** Disconnects a guest LiveKit lists and forgets it (whichever connection we had recorded). */
  async function evict(room: string, channelId: string, p: Pick<LiveParticipant, 'identity'>, reason: string): Promise<void> {
    await rooms.removeParticipant(room, p.identity);
    log.info({ identity: p.identity, channelId, reason }, 'voice guest disconnected');
    const removed = await repo.removeGuest(p.identity, null);
    if (removed) await announceLeft(removed, reason);
  }

  // One sweep at a time (the interval's and settings or permission changes'), so a guest is adopted or evicted once,
  // not twice; and at most one waiting: a burst of changes while one runs makes one more pass, which sees them all.
  const sweeps = serialPasses(
    () => undefined,
    () => sweepOnce(),
  );

  const presence = {
    /** participant_joined of a guest identity in a voice channel's room. */
    async observeJoin(input: { identity: string; name: string; sid: string; channelId: string; joinedAtMs: number }): Promise<boolean> {
      if (!isGuestIdentity(input.identity)) return false;
      const guildId = await deps.guildOfVoiceChannel(input.channelId);
      if (!guildId) return false;
      const previous = await repo.findGuest(input.identity);
      // A replayed webhook, or the sweep finding a join the webhook already recorded: nothing new to tell.
      if (previous && previous.sid === input.sid && previous.channelId === input.channelId) return true;
      const record = await repo.upsertGuest({
        identity: input.identity,
        name: input.name || fallbackName(input.identity),
        guildId,
        channelId: input.channelId,
        sid: input.sid,
        joinedAt: new Date(input.joinedAtMs || Date.now()),
      });
      if (previous && previous.channelId !== record.channelId) await announceLeft(previous, 'rejoined elsewhere');
      log.info({ identity: input.identity, channelId: input.channelId }, 'voice guest joined');
      await deps.publish({ ...toVoiceGuest(record), connected: true });
      // The same guest reconnecting (a new connection of the same token) stays muted, but its token grants the
      // microphone again. Should LiveKit fail now, the sweep takes it: the join itself is recorded and told.
      if (record.serverMute)
        await rooms.applyRights(voiceRoomName(record.channelId), record.identity, LISTEN_ONLY).catch((err: unknown) => {
          log.warn({ err, identity: record.identity }, 'muted voice guest reconnected; its microphone is left to the sweep');
          return false;
        });
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
     * A moderator server-mutes or unmutes a guest (MUTE_MEMBERS in the guest's channel, as for members). 404 when the
     * guest is not in a voice channel of this guild that the actor can view. Unmuting gives the microphone back only
     * where guests may speak now.
     */
    async moderate(actorId: string, guildId: string, identity: string, body: { serverMute: boolean }): Promise<VoiceGuest> {
      await moderatable(actorId, guildId, identity, Permission.MUTE_MEMBERS, 'MUTE_MEMBERS');
      const set = await repo.setGuestMute(identity, body.serverMute);
      if (!set) throw AppError.notFound('Guest');
      const { guest: after, changed } = set;
      // Told before LiveKit is asked: should LiveKit fail now (the request fails, and a retry changes nothing here),
      // the change is still audited and shown, and the sweep takes a muted guest's microphone.
      if (changed) {
        log.info({ actorId, identity, channelId: after.channelId, serverMute: body.serverMute }, 'voice guest moderated');
        await safeAudit({
          guildId,
          action: body.serverMute ? 'voice.mute' : 'voice.unmute',
          actorId,
          targetId: identity,
          details: { channelId: after.channelId, guest: true },
        });
        await deps.publish({ ...toVoiceGuest(after), connected: true });
      }
      const speak = !body.serverMute && ((await deps.guestRights(after.channelId))?.speak ?? false);
      await rooms.applyRights(voiceRoomName(after.channelId), identity, speak ? SPEAK : LISTEN_ONLY);
      return toVoiceGuest(after);
    },

    /**
     * A moderator disconnects a guest (MOVE_MEMBERS in the guest's channel, as for members). 404 when the guest is not
     * in a voice channel of this guild that the actor can view. The guest may join again while guests are allowed.
     */
    async disconnect(actorId: string, guildId: string, identity: string): Promise<void> {
      const guest = await moderatable(actorId, guildId, identity, Permission.MOVE_MEMBERS, 'MOVE_MEMBERS');
      await rooms.removeParticipant(voiceRoomName(guest.channelId), identity);
      const removed = await repo.removeGuest(identity, null);
      log.info({ actorId, identity, channelId: guest.channelId }, 'voice guest disconnected by a moderator');
      await safeAudit({
        guildId,
        action: 'voice.disconnect',
        actorId,
        targetId: identity,
        details: { channelId: guest.channelId, guest: true },
      });
      if (removed) await announceLeft(removed, 'moderator');
    },

    /**
     * Reconciles the guests with LiveKit's lists of every voice room: drops guests LiveKit no longer lists, records
     * guests it lists that we missed, and enforces the guest rules on those connected (see above). Our records are
     * read before LiveKit is asked, so a guest who joins in between is found in LiveKit's list, never wrongly dropped.
     */
    sweep(): Promise<GuestSweepResult> {
      return sweeps.request();
    },

    /** Resolves once no sweep is running or waiting (for shutdown). */
    idle(): Promise<void> {
      return sweeps.idle();
    },
  };

  async function sweepOnce(): Promise<GuestSweepResult> {
    const result: GuestSweepResult = { dropped: 0, adopted: 0, evicted: 0, silenced: 0, restored: 0 };
    const all = await repo.listGuests();
    const byChannel = new Map<string, VoiceGuestRecord[]>();
    for (const g of all) byChannel.set(g.channelId, [...(byChannel.get(g.channelId) ?? []), g]);
    // If LiveKit can't be reached this throws before anything is dropped: an outage must not look like an empty SFU.
    const liveChannels = (await rooms.listRooms()).map(channelIdFromRoom).filter((id): id is string => id !== null);
    for (const channelId of new Set([...byChannel.keys(), ...liveChannels])) {
      const room = voiceRoomName(channelId);
      const listed = (await rooms.listParticipants(room)).filter((p) => isGuestIdentity(p.identity));
      const live = new Map<string, string>();
      const rights = listed.length > 0 ? await deps.guestRights(channelId) : null;
      for (const p of listed) {
        const stored = byChannel.get(channelId)?.find((g) => g.identity === p.identity);
        // No voice channel of ours: a room of another deployment sharing this LiveKit, not ours to touch, unless we had
        // the guest there (the channel was deleted).
        if (!rights && !stored) continue;
        if (!rights?.connect) {
          await evict(room, channelId, p, 'guests no longer admitted');
          result.evicted++;
          continue;
        }
        live.set(p.identity, p.sid);
        const speaking = p.permission?.canPublish ?? false;
        // Before acting on a moderator's mute (or its absence) it is read again, not taken from the records read at
        // the start: a mute or unmute since must not be undone.
        const mutedNow = async () => (await repo.findGuest(p.identity))?.serverMute ?? false;
        if (speaking && (!rights.speak || (stored?.serverMute === true && (await mutedNow())))) {
          await rooms.applyRights(room, p.identity, LISTEN_ONLY);
          log.info({ identity: p.identity, channelId, muted: rights.speak }, 'voice guest silenced: it may not speak here now');
          result.silenced++;
        } else if (!speaking && p.permission && rights.speak && stored?.serverMute !== true && !(await mutedNow())) {
          // Guests could only listen when this one joined (or until now): its token left the microphone out.
          await rooms.applyRights(room, p.identity, SPEAK);
          // A moderator's mute that landed while we did (its own update may have gone first) must win.
          if (await mutedNow()) await rooms.applyRights(room, p.identity, LISTEN_ONLY);
          else {
            log.info({ identity: p.identity, channelId }, 'voice guest may speak again');
            result.restored++;
          }
        }
        if (stored?.sid !== p.sid && (await presence.observeJoin({ ...p, name: p.name ?? '', channelId }))) result.adopted++;
      }
      for (const g of byChannel.get(channelId) ?? []) {
        if (live.get(g.identity) === g.sid) continue;
        const removed = await repo.removeGuest(g.identity, g.sid);
        if (removed) {
          result.dropped++;
          await announceLeft(removed, 'sweep');
        }
      }
    }
    if (result.dropped || result.adopted || result.evicted || result.silenced || result.restored)
      log.info(result, 'voice guests reconciled');
    return result;
  }
  return presence;
}
export type GuestPresence = ReturnType<typeof createGuestPresence>;
