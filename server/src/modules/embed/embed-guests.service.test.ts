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
const GUEST = 'guest:0123456789ab';

/** The service over an in-memory repo and room: the permission rules are the ones under test, not the database's. */
function setup() {
  const docs = new Map<string, VoiceGuestRecord>();
  const inRoom = new Map<string, { identity: string; sid: string }[]>();
  const removed: string[] = [];
  const events: VoiceGuestUpdateEvent[] = [];
  const presence = createGuestPresence({
    repo: {
      upsertGuest: async (g) => void docs.set(g.identity, g),
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
      listParticipants: async (room) => (inRoom.get(room) ?? []).map((p) => ({ ...p, joinedAtMs: 0, tracks: [], permission: null })),
      removeParticipant: async (room, identity) => {
        removed.push(`${room}/${identity}`);
        return true;
      },
    },
    guildOfVoiceChannel: async (channelId) => (channelId === CHANNEL || channelId === HIDDEN ? GUILD : null),
    channelPermissions: async (userId, channelId) =>
      channelId === HIDDEN && userId === MEMBER
        ? null
        : userId === MOD
          ? Permission.MOVE_MEMBERS | Permission.VIEW_CHANNEL
          : Permission.VIEW_CHANNEL,
    requireMember: async (userId) => {
      if (userId !== MOD && userId !== MEMBER) throw AppError.notFound('Guild');
    },
    publish: async (e) => void events.push(e),
    log: pino({ level: 'silent' }),
  });
  return { presence, docs, inRoom, removed, events };
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
    expect(await t.presence.sweep()).toBe(0);
    t.inRoom.set(voiceRoomName(CHANNEL), []);
    expect(await t.presence.sweep()).toBe(1);
    expect(t.events.at(-1)).toMatchObject({ identity: GUEST, connected: false });
  });
});
