import { decodeProtectedHeader, jwtVerify } from 'jose';
import { AccessToken, TokenVerifier, TrackSource } from 'livekit-server-sdk';
import { describe, expect, it } from 'vitest';
import { createVoiceTokenIssuer, voiceMediaRights, voiceParticipantPermission, voiceVideoGrant } from './tokens';

const apiKey = 'APItest';
const apiSecret = 'x'.repeat(40);
const issuer = createVoiceTokenIssuer({ apiKey, apiSecret });
/** A member with SPEAK only (no VIDEO / STREAM), not moderated. */
const SPEAKER = {
  speak: true,
  video: false,
  stream: false,
  serverMute: false,
  serverDeaf: false,
  serverVideoOff: false,
  serverStreamOff: false,
};
const EVERYTHING = { ...SPEAKER, video: true, stream: true };
const MIC_ONLY = { microphone: true, camera: false, screenShare: false, canSubscribe: true };

async function claimsOf(token: string) {
  const { payload } = await jwtVerify(token, new TextEncoder().encode(apiSecret), { issuer: apiKey });
  return payload as { sub?: string; name?: string; exp?: number; nbf?: number; video?: Record<string, unknown> };
}

describe('voice tokens', () => {
  it('when a member may speak but has neither VIDEO nor STREAM, then the token joins only their room and publishes only the microphone', async () => {
    const token = await issuer.issue({
      userId: 'u1',
      displayName: 'Ada',
      room: 'ch_abc',
      rights: voiceMediaRights(SPEAKER),
    });
    const claims = await claimsOf(token);
    expect(claims.sub).toBe('u1');
    expect(claims.name).toBe('Ada');
    expect(claims.video).toEqual({
      room: 'ch_abc',
      roomJoin: true,
      roomCreate: false,
      roomList: false,
      roomRecord: false,
      roomAdmin: false,
      recorder: false,
      hidden: false,
      canSubscribe: true,
      canPublish: true,
      canPublishSources: ['microphone'],
      canPublishData: false,
      canUpdateOwnMetadata: false,
    });
  });

  it('when a member has VIDEO and STREAM, then the token adds the camera, the screen share and its audio', async () => {
    const claims = await claimsOf(
      await issuer.issue({ userId: 'u1', displayName: 'Ada', room: 'ch_abc', rights: voiceMediaRights(EVERYTHING) }),
    );
    expect(claims.video).toEqual(
      expect.objectContaining({ canPublish: true, canPublishSources: ['microphone', 'camera', 'screen_share', 'screen_share_audio'] }),
    );
  });

  it('when a moderator stopped video or stream, then only that source leaves the list', async () => {
    const sources = async (input: typeof EVERYTHING) =>
      (await claimsOf(await issuer.issue({ userId: 'u1', displayName: 'Ada', room: 'ch_abc', rights: voiceMediaRights(input) }))).video
        ?.canPublishSources;
    expect(await sources({ ...EVERYTHING, serverVideoOff: true })).toEqual(['microphone', 'screen_share', 'screen_share_audio']);
    expect(await sources({ ...EVERYTHING, serverStreamOff: true })).toEqual(['microphone', 'camera']);
    // Server-muted but with a camera: still publishes, just not the microphone.
    expect(await sources({ ...EVERYTHING, serverMute: true, stream: false })).toEqual(['camera']);
  });

  it('when nothing may be published, then canPublish is false and the list is never empty (empty means any source)', async () => {
    const claims = await claimsOf(
      await issuer.issue({
        userId: 'u1',
        displayName: 'Ada',
        room: 'ch_abc',
        rights: voiceMediaRights({ ...EVERYTHING, speak: false, video: false, stream: false }),
      }),
    );
    expect(claims.video).toEqual(expect.objectContaining({ canPublish: false, canPublishSources: ['microphone'] }));
  });

  it('when a token is issued, then it expires within the connect window (60 s by default)', async () => {
    const claims = await claimsOf(await issuer.issue({ userId: 'u1', displayName: 'Ada', room: 'ch_abc', rights: MIC_ONLY }));
    expect(issuer.ttlSeconds).toBe(60);
    expect((claims.exp ?? 0) - (claims.nbf ?? 0)).toBe(60);
  });

  it('when a member lacks SPEAK or is server-muted, then the token cannot publish', async () => {
    for (const input of [
      { ...SPEAKER, speak: false },
      { ...SPEAKER, serverMute: true },
    ]) {
      const claims = await claimsOf(
        await issuer.issue({ userId: 'u1', displayName: 'Ada', room: 'ch_abc', rights: voiceMediaRights(input) }),
      );
      expect(claims.video).toEqual(expect.objectContaining({ canPublish: false, canSubscribe: true, roomJoin: true }));
    }
  });

  it('when a member is server-deafened, then the token can neither subscribe nor publish', async () => {
    const claims = await claimsOf(
      await issuer.issue({
        userId: 'u1',
        displayName: 'Ada',
        room: 'ch_abc',
        rights: voiceMediaRights({ ...SPEAKER, serverDeaf: true }),
      }),
    );
    expect(claims.video).toEqual(expect.objectContaining({ canPublish: false, canSubscribe: false }));
  });

  it('when rights are applied live, then the permission lists exactly the allowed sources, and never an empty list', () => {
    expect(voiceParticipantPermission({ ...MIC_ONLY, camera: true, canSubscribe: false })).toEqual({
      canSubscribe: false,
      canPublish: true,
      canPublishData: false,
      canPublishSources: [TrackSource.MICROPHONE, TrackSource.CAMERA],
      canUpdateMetadata: false,
      hidden: false,
      recorder: false,
      agent: false,
    });
    expect(voiceParticipantPermission({ ...MIC_ONLY, microphone: false, screenShare: true })).toEqual(
      expect.objectContaining({ canPublish: true, canPublishSources: [TrackSource.SCREEN_SHARE, TrackSource.SCREEN_SHARE_AUDIO] }),
    );
    expect(voiceParticipantPermission({ ...MIC_ONLY, microphone: false })).toEqual(
      expect.objectContaining({ canPublish: false, canPublishSources: [TrackSource.MICROPHONE] }),
    );
  });

  it('when verified with another secret, then the token is rejected', async () => {
    const token = await issuer.issue({
      userId: 'u1',
      displayName: 'Ada',
      room: 'ch_abc',
      rights: MIC_ONLY,
    });
    await expect(jwtVerify(token, new TextEncoder().encode('y'.repeat(40)))).rejects.toThrow();
  });

  it("when compared with LiveKit's own AccessToken, then header and claims are the same and its verifier accepts the token", async () => {
    const at = new Date('2026-11-21T12:00:00Z');
    const clocked = createVoiceTokenIssuer({ apiKey, apiSecret, clock: { now: () => at } });
    const rights = voiceMediaRights(EVERYTHING);
    const ours = await clocked.issue({ userId: 'u1', displayName: 'Ada Lovelace', room: 'ch_abc', rights });
    const sdk = new AccessToken(apiKey, apiSecret, { identity: 'u1', name: 'Ada Lovelace', ttl: 60 });
    sdk.addGrant(voiceVideoGrant('ch_abc', rights));
    const reference = await sdk.toJwt();
    expect(decodeProtectedHeader(ours)).toEqual(decodeProtectedHeader(reference));
    const decode = (t: string) => JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    const { exp, nbf, ...rest } = decode(ours);
    const { exp: _exp, nbf: _nbf, ...referenceRest } = decode(reference);
    expect(rest).toEqual(referenceRest);
    expect([nbf, exp]).toEqual([at.getTime() / 1000, at.getTime() / 1000 + 60]);
    // LiveKit's verifier checks nbf/exp against the real clock: a token issued now.
    const live = await issuer.issue({ userId: 'u1', displayName: 'Ada', room: 'ch_abc', rights });
    expect(await new TokenVerifier(apiKey, apiSecret).verify(live)).toEqual(expect.objectContaining({ sub: 'u1', iss: apiKey }));
    await expect(new TokenVerifier(apiKey, 'z'.repeat(40)).verify(live)).rejects.toThrow();
  });
});
