import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { VoiceGuestUpdateEvent } from '@shared/api/embed';
import { voiceRoomName } from '@shared/api/voice';
import { Permission } from '@shared/permissions/permissions';
import { codeOf } from '../../errors.testing';
import { AppError } from '../../errors';
import type { VoiceGuestRecord } from './embed.repo';
import { createGuestPresence } from './embed-guests.service';

const GUILD = '64a000000000000000000001';
const CHANNEL = '64a000000000000000000002';
const HIDDEN = '64a000000000000000000003';
const MOD = '64a000000000000000000010';
const MEMBER = '64a000000000000000000011';
const MUTER = '64a000000000000000000012';
const GUEST = 'guest:0123456789ab';

/** The service over an in-memory repo and room: the permission rules are the ones under test, not the database's. */
function setup() {
  const docs = new Map<string, VoiceGuestRecord>();
  const inRoom = new Map<string, { identity: string; sid: string; name?: string; canPublish?: boolean }[]>();
  const removed: string[] = [];
  const silenced: string[] = [];
  const livekit = { down: false, rightsDown: false, listings: 0, onList: () => {}, onApply: (_microphone: boolean) => {} };
  const audited: string[] = [];
  /** What guests may do per channel (as the guild's embed settings and @everyone decide); absent = not a channel here. */
  const rights = new Map<string, { connect: boolean; speak: boolean }>([
    [CHANNEL, { connect: true, speak: true }],
    [HIDDEN, { connect: true, speak: true }],
  ]);
  const events: VoiceGuestUpdateEvent[] = [];
  const presence = createGuestPresence({
    repo: {
      upsertGuest: async (g) => {
        docs.set(g.identity, { ...g, serverMute: docs.get(g.identity)?.serverMute ?? false });
        return docs.get(g.identity)!;
      },
      setGuestMute: async (identity, serverMute) => {
        const doc = docs.get(identity);
        if (!doc) return null;
        docs.set(identity, { ...doc, serverMute });
        return { guest: docs.get(identity)!, changed: doc.serverMute !== serverMute };
      },
      removeGuest: async (identity, sid) => {
        const doc = docs.get(identity);
        if (!doc || (sid !== null && doc.sid !== sid)) return null;
        docs.delete(identity);
        return doc;
      },
      findGuest: async (identity) => docs.get(identity) ?? null,
      listGuestsInGuild: async (guildId) => [...docs.values()].filter((d) => d.guildId === guildId),
      listGuests: async () => [...docs.values()],
    },
    rooms: {
      listRooms: async () => {
        if (livekit.down) throw new Error('LiveKit down');
        livekit.listings += 1;
        return [...inRoom.keys()];
      },
      listParticipants: async (room) => {
        livekit.onList();
        return (inRoom.get(room) ?? []).map(({ canPublish, ...p }) => ({
          ...p,
          joinedAtMs: 5_000,
          tracks: [],
          permission: { canPublish: canPublish ?? true, canSubscribe: true, canPublishSources: ['microphone'] },
        }));
      },
      removeParticipant: async (room, identity) => {
        removed.push(`${room}/${identity}`);
        inRoom.set(
          room,
          (inRoom.get(room) ?? []).filter((p) => p.identity !== identity),
        );
        return true;
      },
      applyRights: async (room, identity, r) => {
        if (livekit.rightsDown) throw new Error('LiveKit down');
        livekit.onApply(r.microphone);
        silenced.push(`${room}/${identity}/${r.microphone ? 'mic' : 'no mic'}`);
        // As LiveKit does: the participant's permission is the one applied from now on.
        inRoom.set(
          room,
          (inRoom.get(room) ?? []).map((p) => (p.identity === identity ? { ...p, canPublish: r.microphone } : p)),
        );
        return true;
      },
    },
    guestRights: async (channelId) => rights.get(channelId) ?? null,
    audit: { record: async (entry) => void audited.push(`${entry.action} ${entry.targetId}`) },
    guildOfVoiceChannel: async (channelId) => (channelId === CHANNEL || channelId === HIDDEN ? GUILD : null),
    channelPermissions: async (userId, channelId) =>
      channelId === HIDDEN && userId === MEMBER
        ? null
        : userId === MOD
          ? Permission.MOVE_MEMBERS | Permission.VIEW_CHANNEL
          : userId === MUTER
            ? Permission.MUTE_MEMBERS | Permission.VIEW_CHANNEL
            : Permission.VIEW_CHANNEL,
    requireMember: async (userId) => {
      if (userId !== MOD && userId !== MEMBER && userId !== MUTER) throw AppError.notFound('Guild');
    },
    publish: async (e) => void events.push(e),
    log: pino({ level: 'silent' }),
  });
  return { presence, docs, inRoom, removed, silenced, rights, events, livekit, audited };
}

describe('voice widget guests', () => {
  it('when a member identity joins, then it is not taken for a guest', async () => {
    const t = setup();
    expect(await t.presence.observeJoin({ identity: MEMBER, name: 'Mira', sid: 'PA_1', channelId: CHANNEL, joinedAtMs: 1 })).toBe(false);
    expect(t.docs.size).toBe(0);
  });

  it('when a guest reconnects and the old connection leaves late, then the guest stays listed', async () => {
    const t = setup();
    await t.presence.observeJoin({ identity: GUEST, name: 'Guest 0123', sid: 'PA_1', channelId: CHANNEL, joinedAtMs: 1 });
    await t.presence.observeJoin({ identity: GUEST, name: 'Guest 0123', sid: 'PA_2', channelId: CHANNEL, joinedAtMs: 2 });
    expect(await t.presence.observeLeave({ identity: GUEST, sid: 'PA_1' })).toBe(false);
    expect(await t.presence.list(MEMBER, GUILD)).toEqual([expect.objectContaining({ identity: GUEST, channelId: CHANNEL })]);
    expect(await t.presence.observeLeave({ identity: GUEST, sid: 'PA_2' })).toBe(true);
    expect(t.events.map((e) => e.connected)).toEqual([true, true, false]);
  });

  it('when a member cannot view the channel a guest is in, then that guest is not listed to them', async () => {
    const t = setup();
    await t.presence.observeJoin({ identity: GUEST, name: 'Guest 0123', sid: 'PA_1', channelId: HIDDEN, joinedAtMs: 1 });
    expect(await t.presence.list(MEMBER, GUILD)).toEqual([]);
    expect(await t.presence.list(MOD, GUILD)).toHaveLength(1);
  });

  it('when a member without MOVE_MEMBERS disconnects a guest, then 403 and LiveKit is not asked; a moderator removes it', async () => {
    const t = setup();
    await t.presence.observeJoin({ identity: GUEST, name: 'Guest 0123', sid: 'PA_1', channelId: CHANNEL, joinedAtMs: 1 });
    expect(await codeOf(t.presence.disconnect(MEMBER, GUILD, GUEST))).toBe('FORBIDDEN');
    expect(t.removed).toEqual([]);
    expect(await codeOf(t.presence.disconnect(MOD, GUILD, GUEST))).toBe('no error');
    expect(t.removed).toEqual([`${voiceRoomName(CHANNEL)}/${GUEST}`]);
    expect(t.docs.size).toBe(0);
    expect(await codeOf(t.presence.disconnect(MOD, GUILD, GUEST))).toBe('NOT_FOUND');
  });

  it('when LiveKit no longer lists a guest, then the sweep drops it and tells the viewers', async () => {
    const t = setup();
    await t.presence.observeJoin({ identity: GUEST, name: 'Guest 0123', sid: 'PA_1', channelId: CHANNEL, joinedAtMs: 1 });
    t.inRoom.set(voiceRoomName(CHANNEL), [{ identity: GUEST, sid: 'PA_1' }]);
    expect(await t.presence.sweep()).toEqual({ dropped: 0, adopted: 0, evicted: 0, silenced: 0, restored: 0 });
    t.inRoom.set(voiceRoomName(CHANNEL), []);
    expect((await t.presence.sweep()).dropped).toBe(1);
    expect(t.events.at(-1)).toMatchObject({ identity: GUEST, connected: false });
  });

  it('when the join webhook was lost, then the sweep lists the guest LiveKit has, with its name, once', async () => {
    const t = setup();
    t.inRoom.set(voiceRoomName(CHANNEL), [
      { identity: GUEST, sid: 'PA_1', name: 'Guest 0123' },
      // A member in the same room is voice's business, never a guest.
      { identity: MEMBER, sid: 'PA_2', name: 'Mira' },
    ]);
    expect((await t.presence.sweep()).adopted).toBe(1);
    expect(await t.presence.list(MEMBER, GUILD)).toEqual([
      {
        identity: GUEST,
        name: 'Guest 0123',
        guildId: GUILD,
        channelId: CHANNEL,
        joinedAt: new Date(5_000).toISOString(),
        serverMute: false,
      },
    ]);
    expect(t.events).toEqual([expect.objectContaining({ identity: GUEST, connected: true })]);
    // Found again (and the late webhook replayed): nothing new, nobody told twice.
    expect(await t.presence.sweep()).toEqual({ dropped: 0, adopted: 0, evicted: 0, silenced: 0, restored: 0 });
    await t.presence.observeJoin({ identity: GUEST, name: 'Guest 0123', sid: 'PA_1', channelId: CHANNEL, joinedAtMs: 5_000 });
    expect(t.events).toHaveLength(1);
  });

  it('when guests are no longer admitted in a channel, then the sweep disconnects those connected, listed or not', async () => {
    const t = setup();
    const missed = 'guest:ba9876543210';
    await t.presence.observeJoin({ identity: GUEST, name: 'Guest 0123', sid: 'PA_1', channelId: CHANNEL, joinedAtMs: 1 });
    t.inRoom.set(voiceRoomName(CHANNEL), [
      { identity: GUEST, sid: 'PA_1' },
      { identity: missed, sid: 'PA_3' },
    ]);
    t.rights.set(CHANNEL, { connect: false, speak: false });
    expect(await t.presence.sweep()).toEqual({ dropped: 0, adopted: 0, evicted: 2, silenced: 0, restored: 0 });
    expect(t.removed).toEqual([`${voiceRoomName(CHANNEL)}/${GUEST}`, `${voiceRoomName(CHANNEL)}/${missed}`]);
    expect(t.docs.size).toBe(0);
    // The listed guest's viewers are told it left; the one never listed was never announced.
    expect(t.events.map((e) => [e.identity, e.connected])).toEqual([
      [GUEST, true],
      [GUEST, false],
    ]);
  });

  it('when guests may now only listen, then the sweep takes the microphone of those who could publish, and only theirs', async () => {
    const t = setup();
    const listener = 'guest:ba9876543210';
    t.inRoom.set(voiceRoomName(CHANNEL), [
      { identity: GUEST, sid: 'PA_1', canPublish: true },
      { identity: listener, sid: 'PA_3', canPublish: false },
    ]);
    t.rights.set(CHANNEL, { connect: true, speak: false });
    expect(await t.presence.sweep()).toEqual({ dropped: 0, adopted: 2, evicted: 0, silenced: 1, restored: 0 });
    expect(t.silenced).toEqual([`${voiceRoomName(CHANNEL)}/${GUEST}/no mic`]);
    expect(t.removed).toEqual([]);
  });

  it('when guests may speak again, then the sweep gives the microphone back to listening guests, but not to one a moderator muted', async () => {
    const t = setup();
    const muted = 'guest:ba9876543210';
    await t.presence.observeJoin({ identity: GUEST, name: 'Guest 0123', sid: 'PA_1', channelId: CHANNEL, joinedAtMs: 1 });
    await t.presence.observeJoin({ identity: muted, name: 'Guest ba98', sid: 'PA_3', channelId: CHANNEL, joinedAtMs: 1 });
    await t.presence.moderate(MUTER, GUILD, muted, { serverMute: true });
    // Both joined while guests could only listen: their tokens left the microphone out.
    t.inRoom.set(voiceRoomName(CHANNEL), [
      { identity: GUEST, sid: 'PA_1', canPublish: false },
      { identity: muted, sid: 'PA_3', canPublish: false },
    ]);
    t.silenced.length = 0;
    expect(await t.presence.sweep()).toEqual({ dropped: 0, adopted: 0, evicted: 0, silenced: 0, restored: 1 });
    expect(t.silenced).toEqual([`${voiceRoomName(CHANNEL)}/${GUEST}/mic`]);
    // Given once: the next sweep finds the microphone granted.
    expect((await t.presence.sweep()).restored).toBe(0);
  });

  it('when a moderator mutes a listening guest while a sweep is under way, then the sweep does not give it the microphone', async () => {
    const t = setup();
    await t.presence.observeJoin({ identity: GUEST, name: 'Guest 0123', sid: 'PA_1', channelId: CHANNEL, joinedAtMs: 1 });
    t.inRoom.set(voiceRoomName(CHANNEL), [{ identity: GUEST, sid: 'PA_1', canPublish: false }]);
    // The mute lands after the sweep read its records, before it looks at LiveKit's list.
    t.livekit.onList = () => {
      const doc = t.docs.get(GUEST);
      if (doc) t.docs.set(GUEST, { ...doc, serverMute: true });
    };
    expect((await t.presence.sweep()).restored).toBe(0);
    expect(t.silenced).toEqual([]);
  });

  it('when a moderator mutes a guest while the sweep gives it the microphone, then the mute wins', async () => {
    const t = setup();
    await t.presence.observeJoin({ identity: GUEST, name: 'Guest 0123', sid: 'PA_1', channelId: CHANNEL, joinedAtMs: 1 });
    t.inRoom.set(voiceRoomName(CHANNEL), [{ identity: GUEST, sid: 'PA_1', canPublish: false }]);
    // The mute is written while LiveKit answers the sweep's update (the moderator's own update went first).
    t.livekit.onApply = (microphone) => {
      const doc = t.docs.get(GUEST);
      if (microphone && doc) t.docs.set(GUEST, { ...doc, serverMute: true });
    };
    expect((await t.presence.sweep()).restored).toBe(0);
    expect(t.silenced).toEqual([`${voiceRoomName(CHANNEL)}/${GUEST}/mic`, `${voiceRoomName(CHANNEL)}/${GUEST}/no mic`]);
  });

  it('when a room is no voice channel of this server, then its guests are left alone unless we had them there', async () => {
    const t = setup();
    const elsewhere = '64a0000000000000000000ff';
    const ours = 'guest:ba9876543210';
    // Another deployment's room on the same LiveKit, and a channel of ours deleted while our guest was in it.
    t.inRoom.set(voiceRoomName(elsewhere), [{ identity: GUEST, sid: 'PA_1' }]);
    await t.presence.observeJoin({ identity: ours, name: 'Guest ba98', sid: 'PA_2', channelId: HIDDEN, joinedAtMs: 1 });
    t.inRoom.set(voiceRoomName(HIDDEN), [{ identity: ours, sid: 'PA_2' }]);
    t.rights.delete(HIDDEN);
    expect(await t.presence.sweep()).toEqual({ dropped: 0, adopted: 0, evicted: 1, silenced: 0, restored: 0 });
    expect(t.removed).toEqual([`${voiceRoomName(HIDDEN)}/${ours}`]);
    expect(t.docs.size).toBe(0);
  });

  it('when LiveKit cannot be reached, then the sweep fails before dropping anyone', async () => {
    const t = setup();
    await t.presence.observeJoin({ identity: GUEST, name: 'Guest 0123', sid: 'PA_1', channelId: CHANNEL, joinedAtMs: 1 });
    t.livekit.down = true;
    await expect(t.presence.sweep()).rejects.toThrow('LiveKit down');
    expect(t.docs.size).toBe(1);
    expect(t.events.map((e) => e.connected)).toEqual([true]);
    // The next sweep is not stuck behind the failed one.
    t.livekit.down = false;
    t.inRoom.set(voiceRoomName(CHANNEL), [{ identity: GUEST, sid: 'PA_1' }]);
    expect(await t.presence.sweep()).toEqual({ dropped: 0, adopted: 0, evicted: 0, silenced: 0, restored: 0 });
  });

  it('when a moderator with MUTE_MEMBERS mutes a guest, then LiveKit takes its microphone, viewers and the audit log are told, and unmuting gives it back only where guests may speak', async () => {
    const t = setup();
    await t.presence.observeJoin({ identity: GUEST, name: 'Guest 0123', sid: 'PA_1', channelId: CHANNEL, joinedAtMs: 1 });
    expect(await codeOf(t.presence.moderate(MOD, GUILD, GUEST, { serverMute: true }))).toBe('FORBIDDEN');
    expect(t.silenced).toEqual([]);

    expect(await t.presence.moderate(MUTER, GUILD, GUEST, { serverMute: true })).toMatchObject({ identity: GUEST, serverMute: true });
    expect(t.silenced).toEqual([`${voiceRoomName(CHANNEL)}/${GUEST}/no mic`]);
    expect(t.events.at(-1)).toMatchObject({ identity: GUEST, connected: true, serverMute: true });
    expect(t.audited).toEqual([`voice.mute ${GUEST}`]);
    // Again: LiveKit is told again (cheap, and it mends a failed try), nobody else is.
    await t.presence.moderate(MUTER, GUILD, GUEST, { serverMute: true });
    expect(t.events).toHaveLength(2);
    expect(t.audited).toHaveLength(1);

    t.rights.set(CHANNEL, { connect: true, speak: false });
    expect(await t.presence.moderate(MUTER, GUILD, GUEST, { serverMute: false })).toMatchObject({ serverMute: false });
    expect(t.silenced.at(-1)).toBe(`${voiceRoomName(CHANNEL)}/${GUEST}/no mic`);
    t.rights.set(CHANNEL, { connect: true, speak: true });
    await t.presence.moderate(MUTER, GUILD, GUEST, { serverMute: true });
    await t.presence.moderate(MUTER, GUILD, GUEST, { serverMute: false });
    expect(t.silenced.at(-1)).toBe(`${voiceRoomName(CHANNEL)}/${GUEST}/mic`);
    expect(t.audited).toEqual([`voice.mute ${GUEST}`, `voice.unmute ${GUEST}`, `voice.mute ${GUEST}`, `voice.unmute ${GUEST}`]);
  });

  it('when a muted guest reconnects, then it stays muted; the sweep takes its microphone if it has one again', async () => {
    const t = setup();
    await t.presence.observeJoin({ identity: GUEST, name: 'Guest 0123', sid: 'PA_1', channelId: CHANNEL, joinedAtMs: 1 });
    await t.presence.moderate(MUTER, GUILD, GUEST, { serverMute: true });
    await t.presence.observeJoin({ identity: GUEST, name: 'Guest 0123', sid: 'PA_2', channelId: CHANNEL, joinedAtMs: 2 });
    expect(t.docs.get(GUEST)).toMatchObject({ sid: 'PA_2', serverMute: true });
    expect(t.silenced).toEqual([`${voiceRoomName(CHANNEL)}/${GUEST}/no mic`, `${voiceRoomName(CHANNEL)}/${GUEST}/no mic`]);
    t.inRoom.set(voiceRoomName(CHANNEL), [{ identity: GUEST, sid: 'PA_2', canPublish: true }]);
    expect((await t.presence.sweep()).silenced).toBe(1);
  });

  it('when the guest is gone or in a channel the moderator cannot view, then muting it is 404', async () => {
    const t = setup();
    expect(await codeOf(t.presence.moderate(MUTER, GUILD, GUEST, { serverMute: true }))).toBe('NOT_FOUND');
    await t.presence.observeJoin({ identity: GUEST, name: 'Guest 0123', sid: 'PA_1', channelId: HIDDEN, joinedAtMs: 1 });
    expect(await codeOf(t.presence.moderate(MEMBER, GUILD, GUEST, { serverMute: true }))).toBe('NOT_FOUND');
    expect(t.silenced).toEqual([]);
  });

  it('when LiveKit fails as a guest is muted, then the request fails but the mute is recorded, audited and shown once; a retry reaches LiveKit', async () => {
    const t = setup();
    await t.presence.observeJoin({ identity: GUEST, name: 'Guest 0123', sid: 'PA_1', channelId: CHANNEL, joinedAtMs: 1 });
    t.livekit.rightsDown = true;
    await expect(t.presence.moderate(MUTER, GUILD, GUEST, { serverMute: true })).rejects.toThrow('LiveKit down');
    expect(t.docs.get(GUEST)?.serverMute).toBe(true);
    expect(t.audited).toEqual([`voice.mute ${GUEST}`]);
    expect(t.events.at(-1)).toMatchObject({ serverMute: true });
    t.livekit.rightsDown = false;
    await t.presence.moderate(MUTER, GUILD, GUEST, { serverMute: true });
    expect(t.silenced).toEqual([`${voiceRoomName(CHANNEL)}/${GUEST}/no mic`]);
    expect(t.audited).toHaveLength(1);
    expect(t.events).toHaveLength(2);
  });

  it('when a muted guest reconnects while LiveKit fails, then the join is still recorded and told; the sweep takes the microphone later', async () => {
    const t = setup();
    await t.presence.observeJoin({ identity: GUEST, name: 'Guest 0123', sid: 'PA_1', channelId: CHANNEL, joinedAtMs: 1 });
    await t.presence.moderate(MUTER, GUILD, GUEST, { serverMute: true });
    t.livekit.rightsDown = true;
    expect(await t.presence.observeJoin({ identity: GUEST, name: 'Guest 0123', sid: 'PA_2', channelId: CHANNEL, joinedAtMs: 2 })).toBe(
      true,
    );
    expect(t.docs.get(GUEST)).toMatchObject({ sid: 'PA_2', serverMute: true });
    expect(t.events.at(-1)).toMatchObject({ identity: GUEST, connected: true, serverMute: true });
    t.livekit.rightsDown = false;
    t.inRoom.set(voiceRoomName(CHANNEL), [{ identity: GUEST, sid: 'PA_2', canPublish: true }]);
    expect((await t.presence.sweep()).silenced).toBe(1);
  });

  it('when a moderator unmutes a guest while a sweep is under way, then the sweep does not take the microphone back', async () => {
    const t = setup();
    await t.presence.observeJoin({ identity: GUEST, name: 'Guest 0123', sid: 'PA_1', channelId: CHANNEL, joinedAtMs: 1 });
    await t.presence.moderate(MUTER, GUILD, GUEST, { serverMute: true });
    t.inRoom.set(voiceRoomName(CHANNEL), [{ identity: GUEST, sid: 'PA_1', canPublish: true }]);
    // The unmute lands after the sweep read its records, before it looks at LiveKit's list.
    t.livekit.onList = () => {
      const doc = t.docs.get(GUEST);
      if (doc) t.docs.set(GUEST, { ...doc, serverMute: false });
    };
    expect((await t.presence.sweep()).silenced).toBe(0);
  });

  it('when many sweeps are asked for while one runs, then they make one more pass, not one each', async () => {
    const t = setup();
    t.inRoom.set(voiceRoomName(CHANNEL), []);
    // Five more asked for while the first is listing LiveKit's rooms.
    const more: Promise<unknown>[] = [];
    t.livekit.onList = () => {
      if (more.length === 0) for (let i = 0; i < 5; i++) more.push(t.presence.sweep());
    };
    await t.presence.sweep();
    await Promise.all(more);
    expect(more).toHaveLength(5);
    expect(t.livekit.listings).toBe(2);
    await t.presence.idle();
    expect((await t.presence.sweep()).dropped).toBe(0);
    expect(t.livekit.listings).toBe(3);
  });
});
