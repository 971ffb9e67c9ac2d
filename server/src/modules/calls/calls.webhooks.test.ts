import { WebhookEvent } from 'livekit-server-sdk';
import { describe, expect, it } from 'vitest';
import { callRoomName } from '@shared/api/calls';
import { voiceRoomName } from '@shared/api/voice';
import { callFactFromWebhook } from './calls.module';

const CALL = '6c0000000000000000000001';
const USER = '6a0000000000000000000001';

function event(name: string, room: string, participant = true): WebhookEvent {
  const e = new WebhookEvent({ room: { name: room }, ...(participant ? { participant: { sid: 'PA_1', identity: USER } } : {}) });
  // The constructor leaves these two at their defaults.
  e.event = name as WebhookEvent['event'];
  e.id = 'EV_1';
  return e;
}

describe('call room webhooks', () => {
  it('when LiveKit reports a join, a leave, an aborted connection or the room finishing in a call room, then the call hears of it', () => {
    const room = callRoomName(CALL);
    expect(callFactFromWebhook(event('participant_joined', room))).toEqual({ kind: 'joined', callId: CALL, identity: USER, sid: 'PA_1' });
    expect(callFactFromWebhook(event('participant_left', room))).toEqual({ kind: 'left', callId: CALL, identity: USER, sid: 'PA_1' });
    expect(callFactFromWebhook(event('participant_connection_aborted', room))).toEqual({
      kind: 'left',
      callId: CALL,
      identity: USER,
      sid: 'PA_1',
    });
    expect(callFactFromWebhook(event('room_finished', room, false))).toEqual({ kind: 'finished', callId: CALL });
  });

  it('when the webhook is about a voice channel room, another room, or carries no participant, then it is not for calls', () => {
    expect(callFactFromWebhook(event('participant_joined', voiceRoomName(CALL)))).toBeNull();
    expect(callFactFromWebhook(event('participant_joined', 'call_not-an-id'))).toBeNull();
    expect(callFactFromWebhook(event('participant_joined', callRoomName(CALL), false))).toBeNull();
    expect(callFactFromWebhook(event('track_published', callRoomName(CALL)))).toBeNull();
  });
});
