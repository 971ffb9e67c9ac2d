import { describe, expect, it } from 'vitest';
import { createPermissionCache } from '../../permissions/permission-cache';
import { createMemoryVoiceRepo } from './voice.fakes';
import { withRecordCache } from './voice.module';

const GUILD = '6a0000000000000000000001';
const OTHER_GUILD = '6a0000000000000000000002';
const USER = '6a0000000000000000000100';
const at = new Date('2026-11-21T12:00:00Z');
const start = (guildId: string, channelId: string, sid: string, joinedAtMs: number) => ({
  userId: USER,
  guildId,
  channelId,
  room: `ch_${channelId}`,
  participantSid: sid,
  joinedAtMs,
  serverMute: false,
  serverDeaf: false,
  serverVideoOff: false,
  serverStreamOff: false,
  at,
});

function setup() {
  const cache = createPermissionCache({ ttlMs: 60_000, maxEntries: 100 });
  const dropped: string[][] = [];
  const repo = withRecordCache(createMemoryVoiceRepo(), {
    read: (key, load) => cache.read(key, load),
    invalidate: async (keys) => {
      dropped.push([...keys]);
      cache.invalidate(keys);
    },
  });
  return { repo, dropped };
}

describe('voice repo through the record cache', () => {
  it('when a session starts, moves guild, changes self state or ends, then cached guild lists and user state follow at once', async () => {
    const { repo } = setup();
    expect(await repo.listActiveInGuild(GUILD)).toEqual([]);
    await repo.startSession(start(GUILD, 'c1', 'PA', 1_000));
    expect((await repo.listActiveInGuild(GUILD)).map((s) => s.channelId)).toEqual(['c1']);
    expect((await repo.findByUser(USER))?.channelId).toBe('c1');
    expect(await repo.listActiveInGuild(OTHER_GUILD)).toEqual([]);
    await repo.startSession(start(OTHER_GUILD, 'c2', 'PB', 2_000)); // switched guilds: both lists change
    expect(await repo.listActiveInGuild(GUILD)).toEqual([]);
    expect((await repo.listActiveInGuild(OTHER_GUILD)).map((s) => s.channelId)).toEqual(['c2']);
    await repo.setSelfState(USER, { selfMute: true }, at);
    expect((await repo.listActiveInGuild(OTHER_GUILD))[0]?.selfMute).toBe(true);
    await repo.setModeration(OTHER_GUILD, USER, { serverMute: true }, at);
    expect((await repo.listActiveInGuild(OTHER_GUILD))[0]?.serverMute).toBe(true);
    expect(await repo.getModeration(OTHER_GUILD, USER)).toEqual({
      serverMute: true,
      serverDeaf: false,
      serverVideoOff: false,
      serverStreamOff: false,
    });
    await repo.setMedia(USER, 'PB', { selfVideo: true }, at);
    expect((await repo.listActiveInGuild(OTHER_GUILD))[0]?.selfVideo).toBe(true);
    expect((await repo.findByUser(USER))?.selfVideo).toBe(true);
    await repo.endSession(USER, 'PB', 2_000, at);
    expect(await repo.listActiveInGuild(OTHER_GUILD)).toEqual([]);
    expect((await repo.findByUser(USER))?.channelId).toBeNull();
  });

  it('when a write fails, then every cached guild list of this instance is dropped', async () => {
    const dropped: string[][] = [];
    const failing = withRecordCache(
      { ...createMemoryVoiceRepo(), startSession: () => Promise.reject(new Error('db down')) },
      {
        read: (_key, load) => load(),
        invalidate: async (keys) => void dropped.push([...keys]),
      },
    );
    await failing.listActiveInGuild(GUILD);
    await expect(failing.startSession(start(GUILD, 'c1', 'PA', 1_000))).rejects.toThrow('db down');
    expect(dropped.at(-1)).toEqual([`voice:${USER}`, `voice-guild:${GUILD}`]);
  });
});
