import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import { AccessToken, WebhookEvent } from 'livekit-server-sdk';
import { describe, expect, it } from 'vitest';
import { WebhookRejectedError, createWebhookVerifier, toVoiceFact } from './webhooks';

const apiKey = 'APItest';
const apiSecret = 's'.repeat(40);
const verifier = createWebhookVerifier({ apiKey, apiSecret });
const CHANNEL = '6a00000000000000000000aa';

function sha256(body: string): string {
  return createHash('sha256').update(body).digest('base64');
}

/** Signs a body the way livekit-server does: a JWT from the API key whose sha256 claim is the body's hash. */
async function sign(body: string, secret = apiSecret): Promise<string> {
  const token = new AccessToken(apiKey, secret, { ttl: '5m' });
  token.sha256 = sha256(body);
  return token.toJwt();
}

function joinedBody(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    event: 'participant_joined',
    id: 'EV_1',
    createdAt: '1700000000',
    room: { sid: 'RM_1', name: `ch_${CHANNEL}` },
    participant: {
      sid: 'PA_1',
      identity: '6a0000000000000000000100',
      joinedAt: '1700000000',
      joinedAtMs: '1700000000123',
      permission: { canSubscribe: true, canPublish: true, canPublishSources: ['MICROPHONE', 'CAMERA'] },
    },
    ...overrides,
  });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => 'accepted',
    (err: unknown) => err,
  );
}

describe('webhook verification', () => {
  it('when LiveKit signs the exact body, then the event is accepted', async () => {
    const body = joinedBody();
    const event = await verifier.verify(body, await sign(body));
    expect(event.event).toBe('participant_joined');
    expect(event.participant?.identity).toBe('6a0000000000000000000100');
  });

  it('when the signature uses another secret, then it is rejected', async () => {
    const body = joinedBody();
    expect(await rejection(verifier.verify(body, await sign(body, 'f'.repeat(40))))).toBeInstanceOf(WebhookRejectedError);
  });

  it('when the body was changed after signing, then it is rejected', async () => {
    const token = await sign(joinedBody());
    expect(await rejection(verifier.verify(joinedBody({ id: 'EV_2' }), token))).toBeInstanceOf(WebhookRejectedError);
  });

  it('when the signature has expired, then it is rejected', async () => {
    const body = joinedBody();
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ sha256: sha256(body) })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(apiKey)
      .setNotBefore(now - 600)
      .setExpirationTime(now - 300)
      .sign(new TextEncoder().encode(apiSecret));
    expect(await rejection(verifier.verify(body, expired))).toBeInstanceOf(WebhookRejectedError);
  });

  it('when there is no Authorization header or the token has no expiry, then it is rejected', async () => {
    const body = joinedBody();
    expect(await rejection(verifier.verify(body, undefined))).toBeInstanceOf(WebhookRejectedError);
    const noExp = await new SignJWT({ sha256: sha256(body) })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(apiKey)
      .sign(new TextEncoder().encode(apiSecret));
    expect(await rejection(verifier.verify(body, noExp))).toBeInstanceOf(WebhookRejectedError);
  });
});

describe('webhook facts', () => {
  it("when a participant joins a voice room, then the fact carries channel, sid, join time in ms and LiveKit's grant", () => {
    expect(toVoiceFact(WebhookEvent.fromJsonString(joinedBody()))).toEqual({
      kind: 'participant_joined',
      id: 'EV_1',
      createdAtMs: 1_700_000_000_000,
      room: `ch_${CHANNEL}`,
      channelId: CHANNEL,
      participant: {
        sid: 'PA_1',
        identity: '6a0000000000000000000100',
        joinedAtMs: 1_700_000_000_123,
        granted: { canPublish: true, canSubscribe: true, canPublishSources: ['microphone', 'camera'] },
      },
      track: null,
    });
    // An event without the participant's permission: unknown, not "nothing granted".
    const bare = JSON.parse(joinedBody()) as { participant: Record<string, unknown> };
    delete bare.participant.permission;
    const fact = toVoiceFact(WebhookEvent.fromJsonString(JSON.stringify(bare)));
    expect(fact.kind !== 'ignored' && fact.participant.granted).toBeNull();
  });

  it('when a track is published, then the fact carries its sid and source name', () => {
    const body = joinedBody({ event: 'track_published', track: { sid: 'TR_1', source: 'SCREEN_SHARE', type: 'VIDEO' } });
    expect(toVoiceFact(WebhookEvent.fromJsonString(body))).toEqual(
      expect.objectContaining({ kind: 'track_published', track: { sid: 'TR_1', source: 'screen_share' } }),
    );
  });

  it('when a connection is aborted, then it counts as a leave', () => {
    expect(toVoiceFact(WebhookEvent.fromJsonString(joinedBody({ event: 'participant_connection_aborted' }))).kind).toBe('participant_left');
  });

  it('when the room is not a voice channel or the event is not about participants, then it is ignored', () => {
    expect(toVoiceFact(WebhookEvent.fromJsonString(joinedBody({ room: { name: 'lobby' } }))).kind).toBe('ignored');
    expect(toVoiceFact(WebhookEvent.fromJsonString(joinedBody({ event: 'room_started' }))).kind).toBe('ignored');
    expect(toVoiceFact(WebhookEvent.fromJsonString(joinedBody({ event: 'egress_started' }))).kind).toBe('ignored');
  });
});
