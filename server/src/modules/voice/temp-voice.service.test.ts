import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { voiceRoomName } from '@shared/api/voice';
import type { KeyLock } from '../../db/key-lock';
import type { TempChannelInput } from '../channels/channels.service';
import type { TempVoiceChannel, TempVoiceHold, TempVoiceRepo } from './temp-voice.repo';
import { TEMP_OWNER_ALLOW, createTempVoiceService, tempChannelName } from './temp-voice.service';

const LOBBY = 'a'.repeat(24);
const GUILD = 'b'.repeat(24);
const ANN = 'c'.repeat(24);
const BOB = 'd'.repeat(24);

/** In-memory repository with the same uniqueness rules as the real one: one channel per lobby and owner. */
function memoryRepo(): TempVoiceRepo {
  const channels = new Map<string, TempVoiceChannel>();
  const holds = new Map<string, TempVoiceHold>();
  const tails = new Map<string, Promise<unknown>>();
  const lock: KeyLock = {
    async withLock(key, fn) {
      const before = tails.get(key) ?? Promise.resolve();
      const run = before.then(fn, fn);
      tails.set(
        key,
        run.catch(() => undefined),
      );
      return run;
    },
  };
  return {
    lock,
    async ensureIndexes() {},
    async findByOwner(lobbyId, ownerId) {
      return [...channels.values()].find((c) => c.lobbyId === lobbyId && c.ownerId === ownerId) ?? null;
    },
    async find(id) {
      return channels.get(id) ?? null;
    },
    async list() {
      return [...channels.values()];
    },
    async claim(channel) {
      if ([...channels.values()].some((c) => c.lobbyId === channel.lobbyId && c.ownerId === channel.ownerId)) return false;
      channels.set(channel.id, channel);
      return true;
    },
    async remove(id) {
      return channels.delete(id);
    },
    async setHold(hold) {
      holds.set(`${hold.channelId}:${hold.userId}`, hold);
    },
    async dropHold(channelId, userId) {
      holds.delete(`${channelId}:${userId}`);
    },
    async listHolds(channelId) {
      return [...holds.values()].filter((h) => h.channelId === channelId);
    },
    async dropHolds(channelId) {
      for (const [key, h] of holds) if (h.channelId === channelId) holds.delete(key);
    },
    async dropHoldsOf(userId) {
      const mine = [...holds.values()].filter((h) => h.userId === userId);
      for (const h of mine) holds.delete(`${h.channelId}:${h.userId}`);
      return mine.map((h) => h.channelId);
    },
  };
}

function harness() {
  let now = new Date('2026-12-06T12:00:00Z');
  const created: TempChannelInput[] = [];
  const deleted: string[] = [];
  const active = new Map<string, number>();
  const live = new Map<string, { identity: string; sid: string }[]>();
  let livekitDown = false;
  const service = createTempVoiceService({
    repo: memoryRepo(),
    async lobby(id) {
      return id === LOBBY
        ? {
            id,
            guildId: GUILD,
            name: 'Join',
            parentId: null,
            position: 3,
            bitrate: 96_000,
            overwrites: [{ id: ANN, type: 'member', allow: 0, deny: 1 }],
          }
        : null;
    },
    async displayName(userId) {
      return userId === ANN ? 'Ann' : 'Bob';
    },
    async createChannel(input) {
      if (!created.some((c) => c.id === input.id)) created.push(input);
    },
    async deleteChannel(id) {
      deleted.push(id);
      return true;
    },
    async activeInRoom(room) {
      return active.get(room) ?? 0;
    },
    async livekitParticipants(room) {
      if (livekitDown) throw new Error('LiveKit unreachable');
      return live.get(room) ?? [];
    },
    holdMs: 90_000,
    clock: () => now,
    log: pino({ level: 'silent' }),
  });
  return {
    service,
    created,
    deleted,
    active,
    live,
    advance: (ms: number) => (now = new Date(now.getTime() + ms)),
    setLivekitDown: (down: boolean) => (livekitDown = down),
  };
}

describe('temporary voice channels', () => {
  it('when a member joins the lobby, then their channel is made next to it with the lobby overwrites and theirs replaced by the owner rights', async () => {
    const h = harness();
    const id = await h.service.channelForJoin(ANN, LOBBY);
    expect(h.created).toEqual([
      expect.objectContaining({ id, guildId: GUILD, name: "Ann's channel", position: 3, bitrate: 96_000, ownerId: ANN, lobbyId: LOBBY }),
    ]);
    expect(h.created[0]?.overwrites).toEqual([{ id: ANN, type: 'member', allow: TEMP_OWNER_ALLOW, deny: 0 }]);
  });

  it('when two members join at once, then each gets their own; when one member joins twice at once, then one channel', async () => {
    const h = harness();
    const [a, b, a2] = await Promise.all([
      h.service.channelForJoin(ANN, LOBBY),
      h.service.channelForJoin(BOB, LOBBY),
      h.service.channelForJoin(ANN, LOBBY),
    ]);
    expect(a).not.toBe(b);
    expect(a2).toBe(a);
    expect(h.created.map((c) => c.id).sort()).toEqual([a, b].sort());
  });

  it('when a join holds the channel, then it is not deleted until the session started or the hold ran out', async () => {
    const h = harness();
    const id = await h.service.channelForJoin(ANN, LOBBY);
    expect(await h.service.deleteIfEmpty(id, 'test')).toBe(false);
    h.advance(91_000);
    expect(await h.service.deleteIfEmpty(id, 'test')).toBe(true);
    expect(h.deleted).toEqual([id]);
    // Gone: a join straight into it is refused, a join through the lobby makes a new one.
    expect(await h.service.hold(id, BOB)).toBe(false);
    expect(await h.service.channelForJoin(ANN, LOBBY)).not.toBe(id);
  });

  it('when voice state or LiveKit still shows someone, then the channel stays; the session that just ended does not count', async () => {
    const h = harness();
    const id = await h.service.channelForJoin(ANN, LOBBY);
    const room = voiceRoomName(id);
    await h.service.sessionStarted(id, ANN);
    h.active.set(room, 1);
    expect(await h.service.deleteIfEmpty(id, 'test')).toBe(false);
    h.active.set(room, 0);
    h.live.set(room, [{ identity: ANN, sid: 'PA_old' }]);
    expect(await h.service.deleteIfEmpty(id, 'test')).toBe(false);
    expect(await h.service.deleteIfEmpty(id, 'test', 'PA_old')).toBe(true);
  });

  it('when a member leaves voice before connecting, then the channel made for them goes at once', async () => {
    const h = harness();
    const id = await h.service.channelForJoin(ANN, LOBBY);
    await h.service.left(ANN);
    expect(h.deleted).toEqual([id]);
  });

  it('when LiveKit cannot be asked, then nothing is deleted', async () => {
    const h = harness();
    const id = await h.service.channelForJoin(ANN, LOBBY);
    await h.service.sessionStarted(id, ANN);
    h.setLivekitDown(true);
    await expect(h.service.deleteIfEmpty(id, 'test')).rejects.toThrow('LiveKit unreachable');
    expect(await h.service.sweep()).toBe(0);
    expect(h.deleted).toEqual([]);
    h.setLivekitDown(false);
    expect(await h.service.sweep()).toBe(1);
  });

  it('when a deletion and a join race, then either the join holds it (kept) or finds it gone (refused), never a token for a deleted channel', async () => {
    for (let round = 0; round < 20; round++) {
      const h = harness();
      const id = await h.service.channelForJoin(ANN, LOBBY);
      await h.service.sessionStarted(id, ANN);
      const [removed, held] = await Promise.all([h.service.deleteIfEmpty(id, 'test'), h.service.hold(id, BOB)]);
      expect(removed).not.toBe(held);
    }
  });

  it('when a display name is long, then the channel name still fits 100 characters', () => {
    expect(tempChannelName('x'.repeat(200))).toHaveLength(100);
    expect(tempChannelName('x'.repeat(200)).endsWith("'s channel")).toBe(true);
  });
});
