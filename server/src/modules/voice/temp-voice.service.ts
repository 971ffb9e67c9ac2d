import { Id } from '@shared/api/common';
import { DEFAULT_BITRATE, type Overwrite } from '@shared/api/channels';
import { voiceRoomName } from '@shared/api/voice';
import { Permission } from '@shared/permissions/permissions';
import type { Logger } from 'pino';
import { newId } from '../../db/ids';
import { AppError } from '../../errors';
import type { TempChannelInput } from '../channels/channels.service';
import type { TempVoiceRepo } from './temp-voice.repo';

/**
 * Join-to-create voice channels. A member joining such a channel (the "lobby") gets a temporary voice channel of their
 * own next to it, and the join answers for that one; the temporary channel is deleted once nobody is in it.
 *
 * Why nobody can be handed a token for a channel that is being deleted: every join into a temporary channel first
 * records a hold under the channel's lock (tokens are issued only after), and deletion checks, under the same lock,
 * that no hold is live, that voice state shows nobody there and that LiveKit lists nobody — then forgets the channel,
 * so a later join finds it gone (404 for a direct join; a new channel for a join through the lobby).
 */

/** What the owner of a temporary channel may do in it: see and use it, rename it and set its limit, move and mute. */
export const TEMP_OWNER_ALLOW =
  Permission.VIEW_CHANNEL |
  Permission.CONNECT |
  Permission.SPEAK |
  Permission.MANAGE_CHANNELS |
  Permission.MOVE_MEMBERS |
  Permission.MUTE_MEMBERS |
  Permission.DEAFEN_MEMBERS;

export interface LobbyChannel {
  id: string;
  guildId: string;
  name: string;
  parentId: string | null;
  position: number;
  bitrate: number | null;
  overwrites: Overwrite[];
}

export interface TempVoicePorts {
  repo: TempVoiceRepo;
  /** The lobby as stored (null when it is gone or not a join-to-create voice channel). */
  lobby(channelId: string): Promise<LobbyChannel | null>;
  displayName(userId: string): Promise<string | null>;
  createChannel(input: TempChannelInput): Promise<void>;
  /** Deletes the channel as the system (announced, audited; its LiveKit room closed by the channel deletion hook). */
  deleteChannel(channelId: string): Promise<boolean>;
  /** Parley users voice state shows in the room now. */
  activeInRoom(room: string): Promise<number>;
  /** Who LiveKit lists in the room (throws when LiveKit cannot be asked: then nothing is deleted). */
  livekitParticipants(room: string): Promise<{ identity: string; sid: string }[]>;
  /** How long a hold lasts: the token's lifetime plus slack for a late connect. */
  holdMs: number;
  clock: () => Date;
  log: Logger;
}

export interface TempVoiceService {
  /**
   * The temporary channel `userId` gets from joining `lobbyId`, with a hold for their join: theirs if they have one,
   * else a new one. Concurrent calls by one member agree on one channel; by different members, each gets their own.
   */
  channelForJoin(userId: string, lobbyId: string): Promise<string>;
  /** Records a join into a temporary channel; false when the channel is gone or being deleted. */
  hold(channelId: string, userId: string): Promise<boolean>;
  /** The user's session in the channel started: their hold is no longer needed (voice state now shows them). */
  sessionStarted(channelId: string, userId: string): Promise<void>;
  /**
   * Deletes the channel if it is a temporary channel nobody is in or joining; true when deleted. `endedSid`: the
   * session whose end prompted this, not counted should LiveKit still list it.
   */
  deleteIfEmpty(channelId: string, reason: string, endedSid?: string): Promise<boolean>;
  /** The reconciler's pass: every temporary channel that is empty goes. */
  sweep(): Promise<number>;
  /** The user left voice (not coming to any channel they were about to join): drop their holds, delete what is empty. */
  left(userId: string): Promise<void>;
  /** A temporary channel was deleted by someone (or the system): forget it and its holds. */
  forget(channelId: string): Promise<void>;
}

const MAX_NAME = 100;
/** Attempts to find or create a lobby channel before giving up (each lost only to a deletion that completed). */
const JOIN_ATTEMPTS = 3;

export function tempChannelName(displayName: string): string {
  const suffix = "'s channel";
  return `${displayName.slice(0, MAX_NAME - suffix.length)}${suffix}`;
}

export function createTempVoiceService(ports: TempVoicePorts): TempVoiceService {
  const { repo, clock, log } = ports;

  async function holdLocked(channelId: string, userId: string): Promise<boolean> {
    if (!(await repo.find(channelId))) return false;
    await repo.setHold({ channelId, userId, holdUntil: new Date(clock().getTime() + ports.holdMs) });
    return true;
  }

  /** Creates the channel document, once (the same member's racing joins both call this; one inserts). */
  async function ensureChannel(id: string, userId: string, lobby: LobbyChannel): Promise<void> {
    const name = tempChannelName((await ports.displayName(userId)) ?? 'Someone');
    // The lobby's overwrites (so the same people see it), with the owner's own entry replaced by the owner's rights.
    const overwrites: Overwrite[] = [
      ...lobby.overwrites.filter((o) => !(o.type === 'member' && o.id === userId)),
      { id: userId, type: 'member', allow: TEMP_OWNER_ALLOW, deny: 0 },
    ];
    await ports.createChannel({
      id,
      guildId: lobby.guildId,
      name,
      parentId: lobby.parentId,
      position: lobby.position,
      bitrate: lobby.bitrate ?? DEFAULT_BITRATE,
      overwrites,
      ownerId: userId,
      lobbyId: lobby.id,
    });
  }

  async function create(userId: string, lobby: LobbyChannel): Promise<string | null> {
    const id = newId();
    // Claim and hold together under the new id's lock: a deletion pass that sees the claim also sees the hold.
    const claimed = await repo.lock.withLock(id, async () => {
      const won = await repo.claim({ id, guildId: lobby.guildId, lobbyId: lobby.id, ownerId: userId, createdAt: clock() });
      if (won) await repo.setHold({ channelId: id, userId, holdUntil: new Date(clock().getTime() + ports.holdMs) });
      return won;
    });
    if (!claimed) return null;
    await ensureChannel(id, userId, lobby);
    log.info({ userId, lobbyId: lobby.id, channelId: id }, 'temporary voice channel created');
    return id;
  }

  const service: TempVoiceService = {
    async channelForJoin(userId, lobbyId) {
      for (let attempt = 0; attempt < JOIN_ATTEMPTS; attempt++) {
        const lobby = await ports.lobby(lobbyId);
        if (!lobby) throw AppError.notFound('Channel');
        const mine = await repo.findByOwner(lobbyId, userId);
        if (mine) {
          if (!(await service.hold(mine.id, userId))) continue;
          // The same member's other request may still be creating it: make sure it exists (a no-op when it does).
          await ensureChannel(mine.id, userId, lobby);
          return mine.id;
        }
        const created = await create(userId, lobby);
        if (created) return created;
      }
      throw new AppError('CONFLICT', 'Could not create your voice channel; try again');
    },

    async hold(channelId, userId) {
      return repo.lock.withLock(channelId, () => holdLocked(channelId, userId));
    },

    async sessionStarted(channelId, userId) {
      await repo.dropHold(channelId, userId);
    },

    async deleteIfEmpty(channelId, reason, endedSid) {
      // The common case (a session ended in an ordinary channel) costs one read, no lock.
      if (!(await repo.find(channelId))) return false;
      const room = voiceRoomName(channelId);
      const forgotten = await repo.lock.withLock(channelId, async () => {
        if (!(await repo.find(channelId))) return false;
        const now = clock().getTime();
        const holds = await repo.listHolds(channelId);
        if (holds.some((h) => h.holdUntil.getTime() > now)) return false;
        if ((await ports.activeInRoom(room)) > 0) return false;
        // LiveKit may know a session voice state has not recorded yet (its webhook is on the way).
        const live = (await ports.livekitParticipants(room)).filter((p) => p.sid !== endedSid && Id.safeParse(p.identity).success);
        if (live.length > 0) return false;
        return repo.remove(channelId);
      });
      if (!forgotten) return false;
      await repo.dropHolds(channelId);
      await ports.deleteChannel(channelId);
      log.info({ channelId, reason }, 'temporary voice channel deleted: empty');
      return true;
    },

    async sweep() {
      let deleted = 0;
      for (const channel of await repo.list()) {
        try {
          if (await service.deleteIfEmpty(channel.id, 'reconciler')) deleted++;
        } catch (err) {
          log.warn({ err, channelId: channel.id }, 'temporary voice channel not checked');
        }
      }
      return deleted;
    },

    async left(userId) {
      for (const channelId of await repo.dropHoldsOf(userId)) {
        try {
          await service.deleteIfEmpty(channelId, 'left');
        } catch (err) {
          log.warn({ err, channelId }, 'temporary voice channel not checked; the reconciler will');
        }
      }
    },

    async forget(channelId) {
      await repo.remove(channelId);
      await repo.dropHolds(channelId);
    },
  };
  return service;
}
