/**
 * Recording API against the real test stack (MongoDB-wire, Redis, LiveKit), without needing Egress itself:
 * permissions, consent state in the room metadata, webhook-driven status (signed webhooks through the real receiver),
 * failure reports over the gateway, downloads with HTTP Range, deletion and retention.
 * The end-to-end recording of real audio through Egress is recording-egress.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AudioFrame, AudioSource, LocalAudioTrack, Room, RoomEvent, TrackPublishOptions, TrackSource } from '@livekit/rtc-node';
import { AccessToken, RoomServiceClient, WebhookEvent } from 'livekit-server-sdk';
import { postLivekitWebhook } from './voice-support';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingFromRoomMetadata } from '../../src-shared/api/recordings';
import { voiceRoomName } from '../../src-shared/api/voice';
import { recordingsOf } from '../../server/src/modules/recordings/recordings.module';
import { createRecordingsRepo, type RecordingRecord } from '../../server/src/modules/recordings/recordings.repo';
import { egressBinary, readEgressBuildStatus } from '../../scripts/stack/services/egress';
import { testEnv } from '../support/env';
import { connectGateway, nextEvent, registerUser, startTestServer, type TestServer, type TestUser } from './server-helpers';

const env = testEnv();
const recordingsDir = mkdtempSync(join(tmpdir(), 'parley-rec-api-'));
let t: TestServer;
let owner: TestUser;
let member: TestUser;
let outsider: TestUser;
let guildId: string;
let voiceChannelId: string;
let textChannelId: string;
const sockets: Socket[] = [];
const bots: Room[] = [];
const sources: AudioSource[] = [];
const roomService = new RoomServiceClient(env.livekitUrl, env.livekitApiKey, env.livekitApiSecret);

const oid = (): string => randomBytes(12).toString('hex');

const postWebhook = (event: WebhookEvent): Promise<number> => postLivekitWebhook(t.url, event);

/** An egress webhook as LiveKit sends it (protobuf JSON: enum names, 64-bit numbers as strings). */
function egressEvent(
  kind: 'egress_started' | 'egress_updated' | 'egress_ended',
  egressInfo: { egressId: string; roomName: string; status: string } & Record<string, unknown>,
): WebhookEvent {
  // Built from JSON: the SDK's WebhookEvent subclass declares `event` as a class field, which overwrites a value
  // passed to the constructor.
  return WebhookEvent.fromJson({
    event: kind,
    id: `EV_${randomBytes(6).toString('hex')}`,
    createdAt: String(Math.floor(Date.now() / 1000)),
    egressInfo,
  } as never);
}

/** Egress's egress_ended for `rec`: completed after 2 s, its file at `file`. */
function egressCompleted(rec: RecordingRecord, file: string): WebhookEvent {
  const startedNs = BigInt(rec.startedAt.getTime()) * 1_000_000n;
  return egressEvent('egress_ended', {
    egressId: rec.egressId!,
    roomName: rec.roomName,
    status: 'EGRESS_COMPLETE',
    startedAt: String(startedNs),
    endedAt: String(startedNs + 2_000_000_000n),
    fileResults: [{ filename: file, duration: '2000000000', size: String(statSync(file).size), location: file }],
  });
}

/** A running recording as if Egress had accepted it (the row the start route writes), to drive it with webhooks. */
async function seedRecording(overrides: Partial<RecordingRecord> = {}): Promise<RecordingRecord> {
  const repo = createRecordingsRepo(t.server.database.db);
  const id = oid();
  const rec: RecordingRecord = {
    id,
    guildId,
    channelId: voiceChannelId,
    roomName: voiceRoomName(voiceChannelId),
    egressId: `EG_${randomBytes(6).toString('hex')}`,
    status: 'active',
    startedBy: { id: owner.id, displayName: owner.username },
    stoppedBy: null,
    startedAt: new Date(Date.now() - 10_000),
    endedAt: null,
    durationMs: null,
    sizeBytes: null,
    error: null,
    storage: 'local',
    objectKey: `${guildId}/${id}.ogg`,
    endNoticeGiven: false,
    ...overrides,
  };
  await repo.insert(rec);
  return rec;
}

/** A real 2 s OGG/Opus file where a completed recording's file would be. */
function writeOggFile(rec: RecordingRecord): string {
  const path = join(recordingsDir, rec.objectKey);
  mkdirSync(dirname(path), { recursive: true });
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:duration=2',
    '-c:a',
    'libopus',
    '-b:a',
    '32k',
    path,
  ]);
  return path;
}

async function joinBot(channelId: string): Promise<Room> {
  const token = new AccessToken(env.livekitApiKey, env.livekitApiSecret, { identity: `bot-${randomBytes(3).toString('hex')}`, ttl: '5m' });
  token.addGrant({ roomJoin: true, room: voiceRoomName(channelId), canPublish: true, canSubscribe: false });
  const room = new Room();
  bots.push(room);
  await room.connect(env.livekitPublicUrl, await token.toJwt(), { autoSubscribe: false, dynacast: false });
  const source = new AudioSource(48_000, 1);
  sources.push(source);
  await room.localParticipant?.publishTrack(
    LocalAudioTrack.createAudioTrack('mic', source),
    new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE }),
  );
  await source.captureFrame(new AudioFrame(new Int16Array(480), 48_000, 1, 480));
  return room;
}

async function roomRecordingState(channelId: string) {
  const [room] = await roomService.listRooms([voiceRoomName(channelId)]);
  return recordingFromRoomMetadata(room?.metadata);
}

beforeAll(async () => {
  t = await startTestServer({ RECORDINGS_DIR: recordingsDir });
  owner = await registerUser(t.api, 'recowner');
  member = await registerUser(t.api, 'recmember');
  outsider = await registerUser(t.api, 'recout');
  guildId = (await t.api.post('/guilds', { name: 'Recording guild' }, owner.token)).body.id;
  voiceChannelId = (await t.api.post(`/guilds/${guildId}/channels`, { type: 'voice', name: 'Stage' }, owner.token)).body.id;
  textChannelId = (await t.api.post(`/guilds/${guildId}/channels`, { type: 'text', name: 'chat' }, owner.token)).body.id;
  const invite = await t.api.post(`/guilds/${guildId}/invites`, {}, owner.token);
  expect((await t.api.post(`/invites/${invite.body.code}`, undefined, member.token)).status).toBe(200);
});

afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  for (const bot of bots) await bot.disconnect().catch(() => undefined);
  for (const source of sources) await source.close().catch(() => undefined);
  // No rtc-node dispose(): files share one worker (vitest.config.ts), where rtc-node cannot start again once disposed.
  await t?.stop();
  rmSync(recordingsDir, { recursive: true, force: true });
});

describe('starting a recording', () => {
  it('when a member without RECORD starts one, then 403; an outsider gets 404; a text channel is refused', async () => {
    const denied = await t.api.post(`/channels/${voiceChannelId}/recordings`, undefined, member.token);
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('FORBIDDEN');
    expect((await t.api.post(`/channels/${voiceChannelId}/recordings`, undefined, outsider.token)).status).toBe(404);
    const text = await t.api.post(`/channels/${textChannelId}/recordings`, undefined, owner.token);
    expect(text.status).toBe(400);
    expect(text.body.error.code).toBe('WRONG_CHANNEL_TYPE');
    expect((await t.api.post(`/channels/${voiceChannelId}/recordings`, undefined)).status).toBe(401);
  });

  it('when nobody is in the voice channel, then 409 and nothing is stored', async () => {
    const res = await t.api.post(`/channels/${voiceChannelId}/recordings`, undefined, owner.token);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('CONFLICT');
    expect((await t.api.get(`/channels/${voiceChannelId}/recordings`, owner.token)).body.items).toEqual([]);
  });

  it('when no Egress worker is connected, then 503, the room shows no recording and nothing is stored', async (ctx) => {
    if (existsSync(egressBinary)) ctx.skip(); // Egress present: recording-egress.test.ts covers starting
    const channelId = (await t.api.post(`/guilds/${guildId}/channels`, { type: 'voice', name: 'No recorder' }, owner.token)).body
      .id as string;
    await joinBot(channelId);
    const res = await t.api.post(`/channels/${channelId}/recordings`, undefined, owner.token);
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(await roomRecordingState(channelId)).toBeNull();
    expect((await t.api.get(`/channels/${channelId}/recordings`, owner.token)).body.items).toEqual([]);
  });
});

describe('egress webhooks', () => {
  it('when Egress reports started then ended, then the recording completes with its duration and the room notice goes away', async () => {
    const rec = await seedRecording({ status: 'starting' });
    // The start route sets this before Egress joins; the end must clear exactly this recording's notice.
    await joinBot(voiceChannelId);
    await roomService.updateRoomMetadata(
      rec.roomName,
      JSON.stringify({
        other: 'kept',
        recording: { active: true, recordingId: rec.id, startedBy: rec.startedBy, startedAt: rec.startedAt.toISOString() },
      }),
    );
    const watcher = connectGateway(t.url, owner.token);
    sockets.push(watcher);
    const completed = nextEvent(
      watcher,
      'RECORDING_UPDATE',
      (p: { id: string; status: string }) => p.id === rec.id && p.status === 'completed',
      10_000,
    );
    await new Promise((resolve) => watcher.once('READY', resolve));

    expect(
      await postWebhook(egressEvent('egress_started', { egressId: rec.egressId!, roomName: rec.roomName, status: 'EGRESS_ACTIVE' })),
    ).toBe(200);
    expect((await t.api.get(`/recordings/${rec.id}`, owner.token)).body.status).toBe('active');

    const file = writeOggFile(rec);
    const ended = egressCompleted(rec, file);
    expect(await postWebhook(ended)).toBe(200);
    const update = await completed;
    expect(update).toMatchObject({ status: 'completed', durationMs: 2000, sizeBytes: statSync(file).size });

    // Replayed or late events never move it backwards.
    expect(
      await postWebhook(egressEvent('egress_updated', { egressId: rec.egressId!, roomName: rec.roomName, status: 'EGRESS_ACTIVE' })),
    ).toBe(200);
    expect((await t.api.get(`/recordings/${rec.id}`, owner.token)).body.status).toBe('completed');

    const [room] = await roomService.listRooms([rec.roomName]);
    expect(JSON.parse(room?.metadata ?? '{}')).toEqual({ other: 'kept', recording: null });

    const audit = await t.api.get(`/guilds/${guildId}/audit-log?action=recording.stop`, owner.token);
    expect(audit.body.items.some((e: { targetId: string }) => e.targetId === rec.id)).toBe(true);
    const notices = await t.server.repos.messages.history(voiceChannelId, { limit: 50 });
    expect(notices.some((m) => m.content.includes('Recording ended'))).toBe(true);
  });

  it('when Egress fails, then the starter is told over the gateway and the recording is failed with the reason', async () => {
    const rec = await seedRecording();
    const starter = connectGateway(t.url, owner.token);
    sockets.push(starter);
    await new Promise((resolve) => starter.once('READY', resolve));
    const failed = nextEvent<{ reason: string; recording: { id: string; status: string } }>(
      starter,
      'RECORDING_FAILED',
      (p) => p.recording.id === rec.id,
      10_000,
    );
    expect(
      await postWebhook(
        egressEvent('egress_ended', {
          egressId: rec.egressId!,
          roomName: rec.roomName,
          status: 'EGRESS_FAILED',
          error: 'pipeline error: no audio',
        }),
      ),
    ).toBe(200);
    const event = await failed;
    expect(event.reason).toBe('pipeline error: no audio');
    expect(event.recording.status).toBe('failed');
    // The channel is free again for a new recording.
    expect(await createRecordingsRepo(t.server.database.db).findRunningInChannel(voiceChannelId)).toBeNull();
  });

  it('when a webhook is not signed by our LiveKit, then it is rejected and changes nothing', async () => {
    const rec = await seedRecording({
      channelId: (await t.api.post(`/guilds/${guildId}/channels`, { type: 'voice', name: 'Forged' }, owner.token)).body.id,
    });
    const body = JSON.stringify(
      egressEvent('egress_ended', { egressId: rec.egressId!, roomName: rec.roomName, status: 'EGRESS_FAILED', error: 'forged' }).toJson(),
    );
    const forged = new AccessToken(env.livekitApiKey, 'x'.repeat(40), { ttl: '5m' });
    forged.sha256 = createHash('sha256').update(body).digest('base64');
    const res = await fetch(`${t.url}/api/v1/livekit/webhook`, { method: 'POST', headers: { authorization: await forged.toJwt() }, body });
    expect(res.status).toBe(401);
    expect((await t.api.get(`/recordings/${rec.id}`, owner.token)).body.status).toBe('active');
  });
});

describe('deleting a channel while it is recorded', () => {
  it('when the channel goes, then its LiveKit session ends at once, the recording stops, and once Egress ends it the recording completes and stays with the guild', async () => {
    const channelId = (await t.api.post(`/guilds/${guildId}/channels`, { type: 'voice', name: 'Doomed' }, owner.token)).body.id as string;
    const rec = await seedRecording({ channelId, roomName: voiceRoomName(channelId), objectKey: `${guildId}/${oid()}.ogg` });
    const bot = await joinBot(channelId);
    const botLeft = new Promise<void>((resolve) => bot.once(RoomEvent.Disconnected, () => resolve()));
    const watcher = connectGateway(t.url, owner.token);
    sockets.push(watcher);
    await new Promise((resolve) => watcher.once('READY', resolve));
    const stopping = nextEvent(
      watcher,
      'RECORDING_UPDATE',
      (p: { id: string; status: string }) => p.id === rec.id && p.status === 'stopping',
      10_000,
    );

    expect((await t.api.del(`/channels/${channelId}`, owner.token)).status).toBe(204);
    // Ended by the system: nobody is named as having stopped it.
    expect(await stopping).toMatchObject({ id: rec.id, status: 'stopping', stoppedBy: null });
    await botLeft;
    expect(await roomService.listRooms([voiceRoomName(channelId)])).toEqual([]);

    // Egress (here its signed webhook: no Egress runs on this stack) finishes the file it was writing.
    const file = writeOggFile(rec);
    const ended = egressCompleted(rec, file);
    expect(await postWebhook(ended)).toBe(200);
    const done = await t.api.get(`/recordings/${rec.id}`, owner.token);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'completed', durationMs: 2000 });
    // Listed for those who manage the server (the app names its channel "deleted channel"), also by that channel's id;
    // a member without Manage Server never sees it.
    const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((r) => r.id);
    expect(ids(await t.api.get(`/guilds/${guildId}/recordings`, owner.token))).toContain(rec.id);
    expect(ids(await t.api.get(`/guilds/${guildId}/recordings?channelId=${channelId}`, owner.token))).toEqual([rec.id]);
    expect(ids(await t.api.get(`/guilds/${guildId}/recordings`, member.token))).not.toContain(rec.id);
    const download = await fetch(`${t.url}/api/v1/recordings/${rec.id}/file`, { headers: { authorization: `Bearer ${owner.token}` } });
    expect(download.status).toBe(200);
    expect((await download.arrayBuffer()).byteLength).toBe(statSync(file).size);
  });
});

describe('downloading, deleting and retention', () => {
  let rec: RecordingRecord;
  let size: number;

  beforeAll(async () => {
    const channelId = (await t.api.post(`/guilds/${guildId}/channels`, { type: 'voice', name: 'Archive' }, owner.token)).body.id as string;
    rec = await seedRecording({ channelId, status: 'completed', endedAt: new Date(), durationMs: 2000, endNoticeGiven: true });
    size = statSync(writeOggFile(rec)).size;
  });

  it('when the owner downloads, then the whole OGG file comes back with audio/ogg', async () => {
    const res = await fetch(`${t.url}/api/v1/recordings/${rec.id}/file`, { headers: { authorization: `Bearer ${owner.token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/ogg');
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.length).toBe(size);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('OggS');
  });

  it('when a range is requested, then 206 with exactly those bytes; an impossible range gets 416', async () => {
    const auth = { authorization: `Bearer ${owner.token}` };
    const full = Buffer.from(await (await fetch(`${t.url}/api/v1/recordings/${rec.id}/file`, { headers: auth })).arrayBuffer());
    const part = await fetch(`${t.url}/api/v1/recordings/${rec.id}/file`, { headers: { ...auth, range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${size}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(full.subarray(100, 200))).toBe(true);
    const tail = await fetch(`${t.url}/api/v1/recordings/${rec.id}/file`, { headers: { ...auth, range: 'bytes=-50' } });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(full.subarray(size - 50))).toBe(true);
    const impossible = await fetch(`${t.url}/api/v1/recordings/${rec.id}/file`, {
      headers: { ...auth, range: `bytes=${size + 10}-${size + 20}` },
    });
    expect(impossible.status).toBe(416);
  });

  it('when someone without access asks, then 401 without a token, 403 without RECORD, 404 outside the guild or for an unknown id', async () => {
    const path = `${t.url}/api/v1/recordings/${rec.id}/file`;
    expect((await fetch(path)).status).toBe(401);
    expect((await fetch(path, { headers: { authorization: `Bearer ${member.token}` } })).status).toBe(403);
    expect((await fetch(path, { headers: { authorization: `Bearer ${outsider.token}` } })).status).toBe(404);
    expect((await fetch(`${t.url}/api/v1/recordings/${oid()}/file`, { headers: { authorization: `Bearer ${owner.token}` } })).status).toBe(
      404,
    );
    // Only ids reach the filesystem: anything else is a validation error, never a path.
    const traversal = await fetch(`${t.url}/api/v1/recordings/..%2F..%2Fetc%2Fpasswd/file`, {
      headers: { authorization: `Bearer ${owner.token}` },
    });
    expect(traversal.status).toBe(400);
  });

  it('when the guild lists recordings, then members with RECORD see them and others do not', async () => {
    const list = await t.api.get(`/guilds/${guildId}/recordings`, owner.token);
    expect(list.status).toBe(200);
    expect(list.body.items.map((r: { id: string }) => r.id)).toContain(rec.id);
    expect((await t.api.get(`/guilds/${guildId}/recordings`, member.token)).body.items).toEqual([]);
    expect((await t.api.get(`/guilds/${guildId}/recordings`, outsider.token)).status).toBe(404);
  });

  it('when retention is set and a recording is older, then the sweeper deletes its file and record', async () => {
    expect((await t.api.patch(`/guilds/${guildId}/recording-settings`, { retentionDays: 0 }, owner.token)).status).toBe(400);
    expect((await t.api.patch(`/guilds/${guildId}/recording-settings`, { retentionDays: 7 }, member.token)).status).toBe(403);
    expect((await t.api.patch(`/guilds/${guildId}/recording-settings`, { retentionDays: 7 }, owner.token)).body).toEqual({
      retentionDays: 7,
    });
    const old = await seedRecording({ status: 'completed', endedAt: new Date(Date.now() - 8 * 86_400_000), endNoticeGiven: true });
    const oldFile = writeOggFile(old);
    const fresh = (await t.api.get(`/recordings/${rec.id}`, owner.token)).body;
    expect(Date.parse(fresh.expiresAt) - Date.parse(fresh.endedAt)).toBe(7 * 86_400_000);

    const service = recordingsOf(t.server.gateway.publisher);
    expect(service).toBeDefined();
    expect(await service!.sweep()).toBeGreaterThanOrEqual(1);
    expect(existsSync(oldFile)).toBe(false);
    expect((await t.api.get(`/recordings/${old.id}`, owner.token)).status).toBe(404);
    expect((await t.api.get(`/recordings/${rec.id}`, owner.token)).status).toBe(200);
  });

  it('when a member without RECORD deletes, then 403; when the owner deletes, then the file is gone', async () => {
    expect((await t.api.del(`/recordings/${rec.id}`, member.token)).status).toBe(403);
    const path = join(recordingsDir, rec.objectKey);
    expect(existsSync(path)).toBe(true);
    expect((await t.api.del(`/recordings/${rec.id}`, owner.token)).status).toBe(204);
    expect(existsSync(path)).toBe(false);
    expect((await t.api.get(`/recordings/${rec.id}`, owner.token)).status).toBe(404);
  });
});

describe('OpenAPI', () => {
  it('when the document is generated, then it lists the recording routes, the file download included', async () => {
    const doc = (await t.api.get('/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const paths = Object.keys(doc.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/channels/{channelId}/recordings',
        '/guilds/{guildId}/recordings',
        '/recordings/{recordingId}/file',
        '/guilds/{guildId}/recording-settings',
      ]),
    );
    expect(Object.keys(doc.paths['/recordings/{recordingId}/file'] ?? {})).toContain('get');
  });
});

describe('build status of the local Egress', () => {
  it('when the stack was installed, then the Egress build left a status (built, or why it could not be)', () => {
    const status = readEgressBuildStatus();
    expect(status, 'run `npm run stack -- install` (scripts/egress/build.sh)').toBeDefined();
    expect(['built', 'unavailable']).toContain(status?.status);
  });
});
