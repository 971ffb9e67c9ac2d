/* eslint-disable @typescript-eslint/no-explicit-any -- API bodies are checked field by field */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Message } from '@shared/api/messages';
import { Permission } from '@shared/permissions/permissions';
import sharp from 'sharp';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachmentsOf } from '../../server/src/modules/attachments/attachments.module';
import {
  connectGateway,
  guildWithMember,
  nextEvent,
  registerUser,
  startTestServer,
  type TestServer,
  type TestUser,
} from './server-helpers';

/**
 * Attachments on the real stack: the guild's limit refuses big files before storing anything, the type comes from
 * the bytes, images lose their EXIF, files are served with Range and nosniff and never as script, only to members
 * who can view the channel, and a message carrying attachments reaches the others through the gateway.
 */

/** A 300×200 JPEG with EXIF: orientation 6 (turn 90° clockwise), GPS coordinates and a copyright. */
async function jpegWithExif(): Promise<Buffer> {
  return sharp({ create: { width: 300, height: 200, channels: 3, background: '#3366ff' } })
    .jpeg()
    .withExif({ IFD0: { Copyright: 'secret-copyright' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1' } })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

const HTML = Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');

describe('attachments', () => {
  let t: TestServer;
  let owner: TestUser;
  let member: TestUser;
  let guildId: string;
  let textId: string;
  let offsetMs = 0;
  const sockets: Socket[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'parley-attachments-'));

  /** Every file stored under ATTACHMENTS_DIR (relative paths). */
  const storedFiles = (): string[] => {
    const out: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(d, e.name));
        else out.push(join(d, e.name).slice(dir.length + 1));
      }
    };
    walk(dir);
    return out.sort();
  };

  async function upload(channelId: string, filename: string, body: Uint8Array, token: string, type = 'application/octet-stream') {
    const res = await fetch(`${t.url}/api/v1/channels/${channelId}/attachments?filename=${encodeURIComponent(filename)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': type },
      body: new Uint8Array(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }
  const ticketFor = async (channelId: string, token: string) =>
    (await t.api.post(`/channels/${channelId}/attachment-ticket`, undefined, token)).body.ticket as string;
  const fileUrl = (id: string, ticket: string, extra = '') => `${t.url}/api/v1/attachments/${id}/file?ticket=${ticket}${extra}`;
  const send = (channelId: string, body: Record<string, unknown>, token: string) =>
    t.api.post(`/channels/${channelId}/messages`, body, token);

  beforeAll(async () => {
    t = await startTestServer(
      { ATTACHMENTS_DIR: dir, ATTACHMENT_MAX_BYTES: String(1024 * 1024) },
      {
        clock: { now: () => new Date(Date.now() + offsetMs) },
      },
    );
    owner = await registerUser(t.api, 'attowner');
    member = await registerUser(t.api, 'attmember');
    ({ guildId, textId } = await guildWithMember({ api: t.api, user: owner }, { api: t.api, user: member }, 'Attachments'));
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await t?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when a file is over the guild limit, then it is 413 PAYLOAD_TOO_LARGE and nothing is stored; only managers change the limit, within the server maximum', async () => {
    const settings = await t.api.get(`/guilds/${guildId}/attachment-settings`, member.token);
    expect(settings.body).toEqual({ maxBytes: 1024 * 1024, serverMaxBytes: 1024 * 1024 });
    expect((await t.api.patch(`/guilds/${guildId}/attachment-settings`, { maxBytes: 4096 }, member.token)).status).toBe(403);
    const tooHigh = await t.api.patch(`/guilds/${guildId}/attachment-settings`, { maxBytes: 2 * 1024 * 1024 }, owner.token);
    expect(tooHigh.status).toBe(400);
    const set = await t.api.patch(`/guilds/${guildId}/attachment-settings`, { maxBytes: 4096 }, owner.token);
    expect(set.body.maxBytes).toBe(4096);

    const before = storedFiles();
    const docsBefore = await t.server.database.db.collection('attachments').countDocuments();
    const big = await upload(textId, 'big.bin', Buffer.alloc(5000, 7), member.token);
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(storedFiles()).toEqual(before);
    expect(await t.server.database.db.collection('attachments').countDocuments()).toBe(docsBefore);
    // At the limit it is fine.
    expect((await upload(textId, 'fits.bin', Buffer.alloc(4096, 7), member.token)).status).toBe(201);
    await t.api.patch(`/guilds/${guildId}/attachment-settings`, { maxBytes: 1024 * 1024 }, owner.token);
  });

  it('when a JPEG carries EXIF with GPS, then what is stored and served has no EXIF, is upright, and has a WebP thumbnail', async () => {
    const jpeg = await jpegWithExif();
    expect((await sharp(jpeg).metadata()).exif).toBeDefined();
    const up = await upload(textId, 'holiday.jpg', jpeg, member.token, 'image/jpeg');
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({
      filename: 'holiday.jpg',
      contentType: 'image/jpeg',
      kind: 'image',
      width: 200,
      height: 300,
      thumbnail: true,
    });
    const onDisk = storedFiles().filter((f) => f.includes(up.body.id));
    expect(onDisk).toHaveLength(2);
    const ticket = await ticketFor(textId, member.token);
    const res = await fetch(fileUrl(up.body.id, ticket));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-disposition')).toMatch(/^inline; filename="holiday.jpg"/);
    const served = Buffer.from(await res.arrayBuffer());
    const meta = await sharp(served).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect([meta.width, meta.height]).toEqual([200, 300]);
    expect(served.includes(Buffer.from('secret-copyright'))).toBe(false);
    const thumb = await fetch(fileUrl(up.body.id, ticket, '&thumb=1'));
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    const tmeta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
    expect(tmeta.format).toBe('webp');
    expect(Math.max(tmeta.width ?? 0, tmeta.height ?? 0)).toBeLessThanOrEqual(400);
    expect(tmeta.exif).toBeUndefined();
  });

  it('when HTML bytes come named .png or .html, then they are stored as a plain file and served as an octet-stream download with nosniff', async () => {
    const ticket = await ticketFor(textId, member.token);
    for (const name of ['cat.png', 'page.html', 'icon.svg']) {
      const up = await upload(textId, name, HTML, member.token, name.endsWith('.png') ? 'image/png' : 'text/html');
      expect(up.status).toBe(201);
      expect(up.body).toMatchObject({ kind: 'file', contentType: 'application/octet-stream', width: null, height: null, thumbnail: false });
      const res = await fetch(fileUrl(up.body.id, ticket));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/octet-stream');
      expect(res.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="${name.replace('.', '\\.')}"`));
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toContain('sandbox');
      expect(Buffer.from(await res.arrayBuffer()).equals(HTML)).toBe(true);
      expect((await fetch(fileUrl(up.body.id, ticket, '&thumb=1'))).status).toBe(404);
    }
  });

  it('when a Range is asked, then it is 206 with exactly those bytes', async () => {
    const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    const up = await upload(textId, 'data.bin', bytes, member.token);
    const sent = await send(textId, { content: '', attachmentIds: [up.body.id] }, member.token);
    expect(sent.status).toBe(201);
    const res = await fetch(fileUrl(up.body.id, await ticketFor(textId, owner.token)), { headers: { range: 'bytes=100-199' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe('bytes 100-199/1000');
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);
  });

  it('when a conditional GET fails or a range is unsatisfiable, then it is 412 / 416 with the error body', async () => {
    const up = await upload(textId, 'cond.bin', Buffer.from('conditional bytes'), member.token);
    expect((await send(textId, { content: '', attachmentIds: [up.body.id] }, member.token)).status).toBe(201);
    const url = fileUrl(up.body.id, await ticketFor(textId, owner.token));
    // A failed If-Match was a 500 (send's 412 error fell through to the error handler as an unknown error).
    const failed = await fetch(url, { headers: { 'if-match': '"not-this-one"' } });
    expect(failed.status).toBe(412);
    expect(((await failed.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
    const beyond = await fetch(url, { headers: { range: 'bytes=5000-6000' } });
    expect(beyond.status).toBe(416);
    expect(((await beyond.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
  });

  it('when a member cannot view the channel, then they get no ticket and an earlier ticket opens nothing; pending uploads are only their uploader’s', async () => {
    const channel = (await t.api.post(`/guilds/${guildId}/channels`, { type: 'text', name: 'soon-hidden' }, owner.token)).body;
    const up = await upload(channel.id, 'notes.txt', Buffer.from('private notes'), owner.token);
    const memberTicket = await ticketFor(channel.id, member.token);
    // Not sent yet: only the uploader may fetch it.
    expect((await fetch(fileUrl(up.body.id, memberTicket))).status).toBe(404);
    expect((await send(channel.id, { content: 'notes', attachmentIds: [up.body.id] }, owner.token)).status).toBe(201);
    expect((await fetch(fileUrl(up.body.id, memberTicket))).status).toBe(200);
    const hide = await t.api.patch(
      `/channels/${channel.id}`,
      { overwrites: [{ id: guildId, type: 'role', allow: 0, deny: Permission.VIEW_CHANNEL }] },
      owner.token,
    );
    expect(hide.status).toBe(200);
    expect((await fetch(fileUrl(up.body.id, memberTicket))).status).toBe(404);
    expect((await t.api.post(`/channels/${channel.id}/attachment-ticket`, undefined, member.token)).status).toBe(404);
    // A ticket of another channel does not open it either.
    expect((await fetch(fileUrl(up.body.id, await ticketFor(textId, member.token)))).status).toBe(401);
    expect((await fetch(fileUrl(up.body.id, await ticketFor(channel.id, owner.token)))).status).toBe(200);
  });

  it('when a message with attachments and no text is sent, then the others get it through the gateway; an attachment is sent once, by its uploader, with ATTACH_FILES', async () => {
    const watcher = connectGateway(t.url, owner.token);
    sockets.push(watcher);
    await nextEvent(watcher, 'READY');
    const image = await upload(
      textId,
      'pic.png',
      await sharp({ create: { width: 8, height: 6, channels: 3, background: '#0f0' } })
        .png()
        .toBuffer(),
      member.token,
    );
    const file = await upload(textId, 'readme.txt', Buffer.from('hello'), member.token);
    const created = nextEvent(watcher, 'MESSAGE_CREATE', (m) => m.attachments?.length === 2);
    const sent = await send(textId, { content: '', nonce: 'att-1', attachmentIds: [image.body.id, file.body.id] }, member.token);
    expect(sent.status).toBe(201);
    const event = Message.parse(await created);
    expect(event.content).toBe('');
    expect(event.attachments.map((a) => [a.filename, a.kind, a.width, a.height])).toEqual([
      ['pic.png', 'image', 8, 6],
      ['readme.txt', 'file', null, null],
    ]);
    // The history has them too; a retry of the same send (nonce) is the same message.
    const again = await send(textId, { content: '', nonce: 'att-1', attachmentIds: [image.body.id, file.body.id] }, member.token);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(sent.body.id);
    const page = (await t.api.get(`/channels/${textId}/messages?limit=5`, owner.token)).body.items;
    expect(page.find((m: any) => m.id === sent.body.id).attachments).toHaveLength(2);
    // Sent already, by another send: refused. Someone else's upload: refused. No text and nothing attached: refused.
    expect((await send(textId, { content: 'again', attachmentIds: [image.body.id] }, member.token)).status).toBe(400);
    const ownerUpload = await upload(textId, 'x.bin', Buffer.from('x'), owner.token);
    expect((await send(textId, { content: 'steal', attachmentIds: [ownerUpload.body.id] }, member.token)).status).toBe(400);
    expect((await send(textId, { content: '' }, member.token)).status).toBe(400);
    // Without ATTACH_FILES in a channel: no upload there.
    const quiet = (
      await t.api.post(
        `/guilds/${guildId}/channels`,
        { type: 'text', name: 'no-files', overwrites: [{ id: guildId, type: 'role', allow: 0, deny: Permission.ATTACH_FILES }] },
        owner.token,
      )
    ).body;
    const denied = await upload(quiet.id, 'a.txt', Buffer.from('a'), member.token);
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('FORBIDDEN');
  });

  it('when a message is deleted, or an upload is never sent within an hour, then the sweep removes its files and record', async () => {
    const kept = await upload(textId, 'kept.bin', Buffer.from('kept'), member.token);
    const gone = await upload(textId, 'gone.bin', Buffer.from('gone'), member.token);
    const sent = await send(textId, { content: 'with a file', attachmentIds: [gone.body.id] }, member.token);
    const unsent = await upload(textId, 'unsent.bin', Buffer.from('unsent'), member.token);
    const sweep = attachmentsOf(t.server.gateway.publisher)!;
    expect((await t.api.del(`/channels/${textId}/messages/${sent.body.id}`, member.token)).status).toBe(204);
    await sweep.sweep();
    expect(storedFiles().some((f) => f.includes(gone.body.id))).toBe(false);
    expect(storedFiles().some((f) => f.includes(unsent.body.id))).toBe(true);
    // The still-pending `kept` is sent just before the hour is up, so the sweep leaves it.
    expect((await send(textId, { content: 'late', attachmentIds: [kept.body.id] }, member.token)).status).toBe(201);
    offsetMs = 61 * 60 * 1000;
    await sweep.sweep();
    offsetMs = 0;
    expect(storedFiles().some((f) => f.includes(unsent.body.id))).toBe(false);
    expect(storedFiles().some((f) => f.includes(kept.body.id))).toBe(true);
    expect(await t.server.database.db.collection('attachments').countDocuments({ _id: unsent.body.id })).toBe(0);
    expect((await send(textId, { content: 'too late', attachmentIds: [unsent.body.id] }, member.token)).status).toBe(400);
    // A deleted channel takes its files with it, sent or pending.
    const doomed = (await t.api.post(`/guilds/${guildId}/channels`, { type: 'text', name: 'doomed' }, owner.token)).body;
    const inDoomed = await upload(doomed.id, 'in-doomed.bin', Buffer.from('d'), owner.token);
    const pendingInDoomed = await upload(doomed.id, 'pending.bin', Buffer.from('p'), owner.token);
    expect((await send(doomed.id, { content: 'bye', attachmentIds: [inDoomed.body.id] }, owner.token)).status).toBe(201);
    expect((await t.api.del(`/channels/${doomed.id}`, owner.token)).status).toBe(204);
    await sweep.sweep();
    expect(storedFiles().filter((f) => f.includes(inDoomed.body.id) || f.includes(pendingInDoomed.body.id))).toEqual([]);
    expect(statSync(dir).isDirectory()).toBe(true);
  });
});
