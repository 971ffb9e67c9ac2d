import { ParticipantInfo, ServerError, TrackInfo, TrackSource } from 'livekit-server-sdk';
import type { RoomServiceClient } from 'livekit-server-sdk';
import { describe, expect, it } from 'vitest';
import { createVoiceRoomService, grantsExactly, mediaPresenceOf } from './room-service';
import { ParticipantPermission } from 'livekit-server-sdk';

function fakeClient(overrides: Partial<Record<keyof RoomServiceClient, unknown>>) {
  const calls: { method: string; args: unknown[] }[] = [];
  const record =
    (method: string, impl: (...args: unknown[]) => unknown) =>
    async (...args: unknown[]) => {
      calls.push({ method, args });
      return impl(...args);
    };
  const client = {
    updateParticipant: record('updateParticipant', (overrides.updateParticipant as never) ?? (() => new ParticipantInfo())),
    mutePublishedTrack: record('mutePublishedTrack', () => new TrackInfo()),
    removeParticipant: record('removeParticipant', (overrides.removeParticipant as never) ?? (() => undefined)),
    listParticipants: record('listParticipants', (overrides.listParticipants as never) ?? (() => [])),
    listRooms: record('listRooms', () => []),
    getParticipant: record('getParticipant', (overrides.getParticipant as never) ?? (() => new ParticipantInfo())),
  } as unknown as RoomServiceClient;
  return { client, calls };
}

const notFound = () => {
  throw new ServerError('not_found', 'participant not found', 404, 'not_found');
};

const NOTHING = { microphone: false, camera: false, screenShare: false, canSubscribe: true };

describe('voice room service', () => {
  it('when publishing is revoked, then the whole permission is replaced (microphone only) and a live microphone is muted', async () => {
    const info = new ParticipantInfo({
      identity: 'u1',
      tracks: [
        new TrackInfo({ sid: 'TR_mic', source: TrackSource.MICROPHONE, muted: false }),
        new TrackInfo({ sid: 'TR_old', source: TrackSource.MICROPHONE, muted: true }),
      ],
    });
    const { client, calls } = fakeClient({ updateParticipant: () => info });
    expect(await createVoiceRoomService(client).applyRights('ch_x', 'u1', NOTHING)).toBe(true);
    expect(calls[0]).toEqual({
      method: 'updateParticipant',
      args: [
        'ch_x',
        'u1',
        {
          permission: expect.objectContaining({
            canPublish: false,
            canSubscribe: true,
            canPublishData: false,
            canPublishSources: [TrackSource.MICROPHONE],
          }),
        },
      ],
    });
    expect(calls.slice(1)).toEqual([{ method: 'mutePublishedTrack', args: ['ch_x', 'u1', 'TR_mic', true] }]);
  });

  it('when the participant is not in the room, then applyRights and removeParticipant report false instead of failing', async () => {
    const { client } = fakeClient({ updateParticipant: notFound, removeParticipant: notFound, listParticipants: notFound });
    const rooms = createVoiceRoomService(client);
    expect(await rooms.applyRights('ch_x', 'u1', { ...NOTHING, microphone: true })).toBe(false);
    expect(await rooms.removeParticipant('ch_x', 'u1')).toBe(false);
    expect(await rooms.listParticipants('ch_x')).toEqual([]);
  });

  it('when the participant leaves while LiveKit forwards the call (no response from servers), then it reports false once LiveKit no longer lists them', async () => {
    const noResponse = () => {
      throw new ServerError('unknown', 'no response from servers', 500, 'unknown');
    };
    const gone = fakeClient({ updateParticipant: noResponse, removeParticipant: noResponse, getParticipant: notFound });
    const rooms = createVoiceRoomService(gone.client);
    expect(await rooms.removeParticipant('ch_x', 'u1')).toBe(false);
    expect(await rooms.applyRights('ch_x', 'u1', NOTHING)).toBe(false);
    expect(gone.calls.filter((c) => c.method === 'getParticipant').map((c) => c.args)).toEqual([
      ['ch_x', 'u1'],
      ['ch_x', 'u1'],
    ]);

    // Still there: the failure is LiveKit's, and it propagates.
    const stillThere = createVoiceRoomService(fakeClient({ updateParticipant: noResponse, removeParticipant: noResponse }).client);
    await expect(stillThere.removeParticipant('ch_x', 'u1')).rejects.toThrow('no response from servers');
    await expect(stillThere.applyRights('ch_x', 'u1', NOTHING)).rejects.toThrow('no response from servers');
    // The lookup failing too: still the original error, never "not there".
    const down = () => {
      throw new ServerError('unavailable', 'down', 503, 'unavailable');
    };
    const outage = createVoiceRoomService(fakeClient({ removeParticipant: noResponse, getParticipant: down }).client);
    await expect(outage.removeParticipant('ch_x', 'u1')).rejects.toThrow('no response from servers');
    // The lookup not answering (LiveKit stalled): it is given up quickly, and the original error stands.
    const stalled = createVoiceRoomService(
      fakeClient({ removeParticipant: noResponse, getParticipant: () => new Promise(() => undefined) }).client,
    );
    await expect(stalled.removeParticipant('ch_x', 'u1')).rejects.toThrow('no response from servers');
  });

  it('when one connection is to go, then it is removed only while LiveKit still has that sid for the identity', async () => {
    const same = fakeClient({ getParticipant: () => new ParticipantInfo({ identity: 'u1', sid: 'PA_old' }) });
    expect(await createVoiceRoomService(same.client).removeConnection('ch_x', 'u1', 'PA_old')).toBe(true);
    expect(same.calls.map((c) => c.method)).toEqual(['getParticipant', 'removeParticipant']);
    const reconnected = fakeClient({ getParticipant: () => new ParticipantInfo({ identity: 'u1', sid: 'PA_new' }) });
    expect(await createVoiceRoomService(reconnected.client).removeConnection('ch_x', 'u1', 'PA_old')).toBe(false);
    expect(reconnected.calls.map((c) => c.method)).toEqual(['getParticipant']);
    expect(await createVoiceRoomService(fakeClient({ getParticipant: notFound }).client).removeConnection('ch_x', 'u1', 'PA_old')).toBe(
      false,
    );
  });

  it('when LiveKit fails otherwise, then the error propagates (an outage must not look like an empty room)', async () => {
    const { client } = fakeClient({
      listParticipants: () => {
        throw new ServerError('unavailable', 'down', 503, 'unavailable');
      },
    });
    await expect(createVoiceRoomService(client).listParticipants('ch_x')).rejects.toThrow('down');
  });

  it('when listed, then tracks carry their source names and say whether a camera or screen share is live', async () => {
    const info = new ParticipantInfo({
      identity: 'u1',
      sid: 'PA_1',
      tracks: [
        new TrackInfo({ sid: 'TR_cam', source: TrackSource.CAMERA }),
        new TrackInfo({ sid: 'TR_audio', source: TrackSource.SCREEN_SHARE_AUDIO }),
      ],
    });
    const { client } = fakeClient({ listParticipants: () => [info] });
    const [p] = await createVoiceRoomService(client).listParticipants('ch_x');
    expect(p?.tracks.map((t) => t.source)).toEqual(['camera', 'screen_share_audio']);
    // Screen-share audio without the picture is not a stream.
    expect(mediaPresenceOf(p?.tracks ?? [])).toEqual({ selfVideo: true, selfStream: false });
  });

  it("when listed, then a participant's permission says which sources LiveKit lets it publish, and grantsExactly compares it with rights", async () => {
    const info = new ParticipantInfo({
      identity: 'u1',
      sid: 'PA_1',
      permission: new ParticipantPermission({
        canPublish: true,
        canSubscribe: true,
        canPublishSources: [TrackSource.CAMERA, TrackSource.MICROPHONE],
      }),
    });
    const { client } = fakeClient({ listParticipants: () => [info] });
    const [p] = await createVoiceRoomService(client).listParticipants('ch_x');
    expect(p?.permission).toEqual({ canPublish: true, canSubscribe: true, canPublishSources: ['camera', 'microphone'] });
    const speakAndVideo = { ...NOTHING, microphone: true, camera: true };
    // The order of the sources does not matter; every right does.
    expect(grantsExactly(p!.permission, speakAndVideo)).toBe(true);
    expect(grantsExactly(p!.permission, { ...speakAndVideo, camera: false })).toBe(false);
    expect(grantsExactly(p!.permission, { ...speakAndVideo, screenShare: true })).toBe(false);
    expect(grantsExactly(p!.permission, { ...speakAndVideo, canSubscribe: false })).toBe(false);
    // Nothing to publish: LiveKit keeps [microphone] with canPublish false (an empty list would mean any source).
    expect(grantsExactly({ canPublish: false, canSubscribe: true, canPublishSources: ['microphone'] }, NOTHING)).toBe(true);
    expect(grantsExactly(null, NOTHING)).toBe(false);
  });
});
