import { describe, expect, it } from 'vitest';
import type { VoiceState } from '../../api/types';
import { createVoicePresenceStore } from './voice-presence.store';

const id = (n: number) => n.toString(16).padStart(24, '0');
const G = id(100);
const H = id(200);
const at = '2026-01-01T00:00:00.000Z';
const vs = (user: number, channel: number, guildId = G): VoiceState => ({
  userId: id(user),
  guildId,
  channelId: id(channel),
  selfMute: false,
  selfDeaf: false,
  serverMute: false,
  serverDeaf: false,
  selfVideo: false,
  selfStream: false,
  serverVideoOff: false,
  serverStreamOff: false,
  watching: [],
  joinedAt: at,
});

describe('voice presence store', () => {
  it('when a guild snapshot arrives, then its voice states replace that guild only', () => {
    const s = createVoicePresenceStore();
    s.getState().setGuildVoiceStates(H, [vs(3, 20, H)]);
    s.getState().setGuildVoiceStates(G, [vs(2, 12), vs(4, 12)]);
    s.getState().setGuildVoiceStates(G, [vs(2, 12)]);
    expect(s.getState().voiceByChannel[id(12)]?.map((v) => v.userId)).toEqual([id(2)]);
    expect(s.getState().voiceByChannel[id(20)]?.map((v) => v.userId)).toEqual([id(3)]);
  });

  it('when a user moves between voice channels or leaves, then they are listed in at most one channel', () => {
    const s = createVoicePresenceStore();
    s.getState().setGuildVoiceStates(G, [vs(2, 12)]);
    s.getState().setVoiceState(vs(2, 14));
    expect(s.getState().voiceByChannel[id(12)]).toBeUndefined();
    expect(s.getState().voiceByChannel[id(14)]?.length).toBe(1);
    s.getState().setVoiceState({ userId: id(2), guildId: G, channelId: null });
    expect(Object.keys(s.getState().voiceByChannel)).toEqual([]);
  });

  it('when the session ends, then nobody is listed', () => {
    const s = createVoicePresenceStore();
    s.getState().setVoiceState(vs(2, 14));
    s.getState().reset();
    expect(s.getState().voiceByChannel).toEqual({});
  });

  it('when guests join, move and leave, then each is listed in at most one channel and a snapshot replaces its guild only', () => {
    const s = createVoicePresenceStore();
    const guest = (identity: string, channel: number, guildId = G) => ({
      identity,
      name: `Guest ${identity.slice(6, 10)}`,
      guildId,
      channelId: id(channel),
      joinedAt: at,
      serverMute: false,
    });
    s.getState().setGuildGuests(H, [guest('guest:ffff00000000', 20, H)]);
    s.getState().setGuildGuests(G, [guest('guest:aaaa00000000', 12)]);
    s.getState().setGuest({ ...guest('guest:bbbb00000000', 12), connected: true });
    s.getState().setGuest({ ...guest('guest:aaaa00000000', 14), connected: true });
    expect(s.getState().guestsByChannel[id(12)]?.map((g) => g.identity)).toEqual(['guest:bbbb00000000']);
    expect(s.getState().guestsByChannel[id(14)]?.map((g) => g.identity)).toEqual(['guest:aaaa00000000']);
    s.getState().setGuest({ ...guest('guest:bbbb00000000', 12), connected: false });
    expect(s.getState().guestsByChannel[id(12)]).toBeUndefined();
    s.getState().setGuildGuests(G, []);
    expect(s.getState().guestsByChannel[id(14)]).toBeUndefined();
    expect(s.getState().guestsByChannel[id(20)]?.length).toBe(1);
    // Members' voice states are untouched by guests.
    expect(s.getState().voiceByChannel).toEqual({});
  });
});
