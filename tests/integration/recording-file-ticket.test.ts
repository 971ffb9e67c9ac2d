/**
 * The file-ticket route pair that lets the browser's <audio> element and download links reach a recording's file
 * without an Authorization header (createRecordingFileTicket → streamRecordingFile), against the real stack: scope (one
 * recording, one user, that user's current permission), expiry (the server's clock moved past it), Range → 206, and
 * inline vs attachment, with the files under a dot folder as in the default RECORDINGS_DIR.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { voiceRoomName } from '../../src-shared/api/voice';
import { Permission } from '../../src-shared/permissions/permissions';
import { createRecordingsRepo, type RecordingRecord } from '../../server/src/modules/recordings/recordings.repo';
import { FILE_TICKET_TTL_SECONDS } from '../../server/src/modules/recordings/file-tickets';
import { registerUser, startTestServer, type TestServer, type TestUser } from './server-helpers';

const workDir = mkdtempSync(join(tmpdir(), 'parley-rec-ticket-'));
// Like the default RECORDINGS_DIR (.stack/recordings): a dot folder on the way must not make downloads fail.
const recordingsDir = join(workDir, '.stack', 'recordings');
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };
let t: TestServer;
let owner: TestUser;
let member: TestUser;
let outsider: TestUser;
let guildId: string;
let channelId: string;
let rec: RecordingRecord;
let other: RecordingRecord;
let size: number;

async function seedCompleted(): Promise<RecordingRecord> {
  const id = randomBytes(12).toString('hex');
  const r: RecordingRecord = {
    id,
    guildId,
    channelId,
    roomName: voiceRoomName(channelId),
    egressId: `EG_${randomBytes(6).toString('hex')}`,
    status: 'completed',
    startedBy: { id: owner.id, displayName: owner.username },
    stoppedBy: null,
    startedAt: new Date(Date.now() - 10_000),
    endedAt: new Date(Date.now() - 8_000),
    durationMs: 2000,
    sizeBytes: null,
    error: null,
    storage: 'local',
    objectKey: `${guildId}/${id}.ogg`,
    endNoticeGiven: true,
  };
  expect(await createRecordingsRepo(t.server.database.db).insert(r)).toBe('inserted');
  const path = join(recordingsDir, r.objectKey);
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
  return r;
}

async function ticketFor(recordingId: string, token: string): Promise<{ status: number; ticket: string; expiresAt: string }> {
  const res = await t.api.post(`/recordings/${recordingId}/file-ticket`, undefined, token);
  return { status: res.status, ticket: res.body?.ticket as string, expiresAt: res.body?.expiresAt as string };
}

const streamUrl = (recordingId: string, ticket: string, extra = '') =>
  `${t.url}/api/v1/recordings/${recordingId}/stream?ticket=${encodeURIComponent(ticket)}${extra}`;

beforeAll(async () => {
  t = await startTestServer({ RECORDINGS_DIR: recordingsDir }, { clock });
  owner = await registerUser(t.api, 'ticketowner');
  member = await registerUser(t.api, 'ticketmember');
  outsider = await registerUser(t.api, 'ticketout');
  guildId = (await t.api.post('/guilds', { name: 'Ticket guild' }, owner.token)).body.id;
  channelId = (await t.api.post(`/guilds/${guildId}/channels`, { type: 'voice', name: 'Archive' }, owner.token)).body.id;
  const invite = await t.api.post(`/guilds/${guildId}/invites`, {}, owner.token);
  expect((await t.api.post(`/invites/${invite.body.code}`, undefined, member.token)).status).toBe(200);
  rec = await seedCompleted();
  other = await seedCompleted();
  size = statSync(join(recordingsDir, rec.objectKey)).size;
});

afterAll(async () => {
  await t?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

describe('recording file tickets', () => {
  it('when the owner asks for a ticket, then it is valid for five minutes and streams the file inline, with Range → 206', async () => {
    const { status, ticket, expiresAt } = await ticketFor(rec.id, owner.token);
    expect(status).toBe(201);
    expect(Date.parse(expiresAt) - clock.now().getTime()).toBeLessThanOrEqual(FILE_TICKET_TTL_SECONDS * 1000);
    expect(Date.parse(expiresAt) - clock.now().getTime()).toBeGreaterThan((FILE_TICKET_TTL_SECONDS - 60) * 1000);

    const whole = await fetch(streamUrl(rec.id, ticket));
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/ogg');
    expect(whole.headers.get('content-disposition')).toBe(`inline; filename="parley-recording-${rec.id}.ogg"`);
    expect(whole.headers.get('referrer-policy')).toBe('no-referrer');
    const full = Buffer.from(await whole.arrayBuffer());
    expect(full.length).toBe(size);

    const part = await fetch(streamUrl(rec.id, ticket), { headers: { range: 'bytes=10-99' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-99/${size}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(full.subarray(10, 100))).toBe(true);

    const download = await fetch(streamUrl(rec.id, ticket, '&download=1'));
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename="parley-recording-${rec.id}.ogg"`);
    await download.arrayBuffer();
  });

  it('when a ticket is used for another recording or altered, then 401; missing or malformed, then 400; no bytes either way', async () => {
    const { ticket } = await ticketFor(rec.id, owner.token);
    const elsewhere = await fetch(streamUrl(other.id, ticket));
    expect(elsewhere.status).toBe(401);
    expect((await elsewhere.json()).error.code).toBe('UNAUTHENTICATED');
    const altered = ticket.slice(0, -2) + (ticket.endsWith('AA') ? 'BB' : 'AA');
    expect((await fetch(streamUrl(rec.id, altered))).status).toBe(401);
    expect((await fetch(`${t.url}/api/v1/recordings/${rec.id}/stream`)).status).toBe(400);
    // The Bearer access token is not a ticket: not even shaped like one.
    expect((await fetch(streamUrl(rec.id, owner.token))).status).toBe(400);
  });

  it('when members without RECORD or outsiders ask for a ticket, then 403 / 404; a running recording has none', async () => {
    expect((await ticketFor(rec.id, member.token)).status).toBe(403);
    expect((await ticketFor(rec.id, outsider.token)).status).toBe(404);
    expect((await t.api.post(`/recordings/${rec.id}/file-ticket`, undefined)).status).toBe(401);
    const running = await createRecordingsRepo(t.server.database.db).update(other.id, { status: 'active' });
    expect(running?.status).toBe('active');
    expect((await ticketFor(other.id, owner.token)).status).toBe(409);
    await createRecordingsRepo(t.server.database.db).update(other.id, { status: 'completed' });
  });

  it('when the ticket holder loses RECORD after it was issued, then the ticket no longer opens the file', async () => {
    // The owner gives B a role with RECORD, B takes a ticket, then the role is taken away.
    const role = await t.api.post(`/guilds/${guildId}/roles`, { name: 'Recorder', permissions: Permission.RECORD }, owner.token);
    expect(role.status).toBe(201);
    expect((await t.api.put(`/guilds/${guildId}/members/${member.id}/roles/${role.body.id}`, undefined, owner.token)).status).toBe(204);
    const { status, ticket } = await ticketFor(rec.id, member.token);
    expect(status).toBe(201);
    expect((await fetch(streamUrl(rec.id, ticket))).status).toBe(200);
    expect((await t.api.del(`/guilds/${guildId}/members/${member.id}/roles/${role.body.id}`, owner.token)).status).toBe(204);
    expect((await fetch(streamUrl(rec.id, ticket))).status).toBe(403);
  });

  it('when the ticket is older than five minutes, then 401 TOKEN_EXPIRED', async () => {
    const { ticket } = await ticketFor(rec.id, owner.token);
    expect((await fetch(streamUrl(rec.id, ticket), { headers: { range: 'bytes=0-9' } })).status).toBe(206);
    offsetMs += (FILE_TICKET_TTL_SECONDS + 1) * 1000;
    const late = await fetch(streamUrl(rec.id, ticket));
    expect(late.status).toBe(401);
    expect((await late.json()).error.code).toBe('TOKEN_EXPIRED');
  });
});
