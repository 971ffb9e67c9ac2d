import { describe, expect, it } from 'vitest';
import { webhookEventsOf } from './webhook-events';

const G = 'a'.repeat(24);
const U = 'b'.repeat(24);
const C1 = 'c'.repeat(24);
const C2 = 'd'.repeat(24);
const voice = (channelId: string | null, previousChannelId: string | null) => ({
  guildId: G,
  userId: U,
  channelId,
  previousChannelId,
  selfMute: false,
});

describe('which webhook events a gateway event makes', () => {
  it('when a message is created or a member joins or leaves, then message.created / member.joined / member.left carry the payload', () => {
    expect(webhookEventsOf('MESSAGE_CREATE', { id: 'm' })).toEqual([{ type: 'message.created', data: { id: 'm' } }]);
    expect(webhookEventsOf('MEMBER_ADD', { guildId: G })).toEqual([{ type: 'member.joined', data: { guildId: G } }]);
    expect(webhookEventsOf('MEMBER_REMOVE', { guildId: G, userId: U })).toEqual([{ type: 'member.left', data: { guildId: G, userId: U } }]);
  });

  it('when a voice state enters, leaves or moves between channels, then voice.joined / voice.left follow; a mute makes none', () => {
    expect(webhookEventsOf('VOICE_STATE_UPDATE', voice(C1, null))).toEqual([
      { type: 'voice.joined', data: { guildId: G, userId: U, channelId: C1 } },
    ]);
    expect(webhookEventsOf('VOICE_STATE_UPDATE', voice(null, C1))).toEqual([
      { type: 'voice.left', data: { guildId: G, userId: U, channelId: C1 } },
    ]);
    expect(webhookEventsOf('VOICE_STATE_UPDATE', voice(C2, C1)).map((e) => e.type)).toEqual(['voice.left', 'voice.joined']);
    expect(webhookEventsOf('VOICE_STATE_UPDATE', voice(C1, C1))).toEqual([]);
  });

  it('when a recording completes, then recording.finished; other statuses and other events make none', () => {
    expect(webhookEventsOf('RECORDING_UPDATE', { status: 'completed' }).map((e) => e.type)).toEqual(['recording.finished']);
    expect(webhookEventsOf('RECORDING_UPDATE', { status: 'active' })).toEqual([]);
    expect(webhookEventsOf('TYPING_START', {})).toEqual([]);
  });
});
