/* eslint-disable @typescript-eslint/no-explicit-any -- event payloads are checked against their zod schemas */
import { ServerEvents } from '@shared/api/gateway';
import { IMAGE_UPLOAD_MAX_BYTES } from '@shared/api/images';
import { MongoClient } from 'mongodb';
import sharp from 'sharp';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from '../support/env';
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
 * Avatars and guild icons on the real stack: what is stored and served is a 256×256 WebP without any of the upload's
 * metadata, bad uploads are refused with a code before anything is written, and changes reach the other members live.
 */

/** A 400×200 PNG, left half red and right half blue, with EXIF: orientation 6 (turn 90° clockwise), GPS, a copyright. */
async function pngWithExif(): Promise<Buffer> {
  const red = await sharp({ create: { width: 200, height: 200, channels: 3, background: '#ff0000' } })
    .png()
    .toBuffer();
  const flat = await sharp({ create: { width: 400, height: 200, channels: 3, background: '#0000ff' } })
    .composite([{ input: red, left: 0, top: 0 }])
    .png()
    .toBuffer();
  return sharp(flat)
    .png()
    .withExif({ IFD0: { Copyright: 'secret-copyright' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1' } })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}
const solid = (color: string, format: 'png' | 'jpeg' | 'webp' | 'gif' = 'png') =>
  sharp({ create: { width: 64, height: 64, channels: 3, background: color } })
    .toFormat(format)
    .toBuffer();

/** The GPS IFD pointer tag (0x8825) in either byte order. */
const hasGpsTag = (exif: Buffer) => exif.includes(Buffer.from([0x88, 0x25])) || exif.includes(Buffer.from([0x25, 0x88]));

describe('avatars and guild icons', () => {
  let t: TestServer;
  let owner: TestUser;
  let member: TestUser;
  let guildId: string;
  const sockets: Socket[] = [];
  let mongo: MongoClient;

  async function upload(path: string, body: Uint8Array | string, opts: { token?: string; type?: string } = {}) {
    const headers: Record<string, string> = { 'content-type': opts.type ?? 'image/png' };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    const res = await fetch(`${t.url}/api/v1${path}`, {
      method: 'PUT',
      headers,
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }
  const fetchImage = (path: string) => fetch(`${t.url}/api/v1${path}`);
  const users = () => mongo.db(t.config.MONGODB_DB).collection('users');
  const images = () => mongo.db(t.config.MONGODB_DB).collection('images');

  beforeAll(async () => {
    t = await startTestServer();
    mongo = new MongoClient(testEnv().mongoUri);
    owner = await registerUser(t.api, 'imgowner');
    member = await registerUser(t.api, 'imgmember');
    ({ guildId } = await guildWithMember({ api: t.api, user: owner }, { api: t.api, user: member }, 'Images'));
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await mongo?.close();
    await t?.stop();
  });

  it('when a PNG with EXIF orientation and GPS is uploaded as an avatar, then a 256×256 upright WebP without metadata is served for good', async () => {
    const res = await upload('/users/@me/avatar', await pngWithExif(), { token: owner.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: owner.id, avatar: expect.stringMatching(/^[0-9a-f]{32}$/) });
    const hash: string = res.body.avatar;

    const served = await fetchImage(`/users/${owner.id}/avatars/${hash}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/webp');
    expect(served.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    // The desktop renderer is another origin: helmet's default CORP (same-origin) would block the <img> there.
    expect(served.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const bytes = Buffer.from(await served.arrayBuffer());
    const meta = await sharp(bytes).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 256, height: 256 });
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect(bytes.includes(Buffer.from('secret-copyright'))).toBe(false);
    // Orientation 6 turned the red left half to the top: upright, the top centre is red and the bottom centre blue.
    const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
    const px = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)];
    expect(px(128, 20)[0]).toBeGreaterThan(200);
    expect(px(128, 20)[2]).toBeLessThan(60);
    expect(px(128, 235)[2]).toBeGreaterThan(200);
    expect(px(128, 235)[0]).toBeLessThan(60);

    // Stored: the user document holds the hash, the image its own small document with no trace of the upload's EXIF.
    const userDoc = await users().findOne({ usernameLower: owner.username.toLowerCase() });
    expect(userDoc?.avatar).toBe(hash);
    const stored = await images().find({ ownerId: owner.id }).toArray();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ kind: 'avatar', hash, contentType: 'image/webp' });
    expect(stored[0]?.data.buffer.length).toBeLessThan(64 * 1024);
    expect(hasGpsTag(Buffer.from(stored[0]?.data.buffer))).toBe(false);
    expect((await t.api.get('/users/@me', owner.token)).body.avatar).toBe(hash);
  });

  it('when the upload source itself carries GPS, then the test fixture really has it (so the check above can fail)', async () => {
    const exif = (await sharp(await pngWithExif()).metadata()).exif;
    expect(exif && hasGpsTag(exif)).toBe(true);
  });

  it('when the body is not an image, then it answers 415 UNSUPPORTED_MEDIA_TYPE and nothing changes', async () => {
    const before = (await t.api.get('/users/@me', member.token)).body.avatar;
    const text = await upload('/users/@me/avatar', 'this is not a picture', { token: member.token });
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const svg = await upload('/users/@me/avatar', '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', {
      token: member.token,
    });
    expect(svg.status).toBe(415);
    const truncated = await upload('/users/@me/avatar', (await solid('#00ff00')).subarray(0, 60), { token: member.token });
    expect(truncated.status).toBe(415);
    const wrongType = await upload('/users/@me/avatar', await solid('#00ff00'), { token: member.token, type: 'text/plain' });
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect((await t.api.get('/users/@me', member.token)).body.avatar).toBe(before);
    expect(await images().countDocuments({ ownerId: member.id })).toBe(0);
  });

  it('when the Content-Type names another image type than the bytes are, then the bytes decide', async () => {
    const res = await upload('/users/@me/avatar', await solid('#00ff00', 'jpeg'), { token: member.token, type: 'image/gif' });
    expect(res.status).toBe(200);
    expect(
      (await sharp(Buffer.from(await (await fetchImage(`/users/${member.id}/avatars/${res.body.avatar}`)).arrayBuffer())).metadata())
        .format,
    ).toBe('webp');
    expect((await t.api.del('/users/@me/avatar', member.token)).body.avatar).toBeNull();
  });

  it('when the body is over 8 MB, then it answers 413 PAYLOAD_TOO_LARGE', async () => {
    const big = Buffer.alloc(IMAGE_UPLOAD_MAX_BYTES + 1, 0);
    (await solid('#123456')).copy(big);
    const res = await upload('/users/@me/avatar', big, { token: member.token });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('when no token is sent, then uploading answers 401', async () => {
    expect((await upload('/users/@me/avatar', await solid('#00ff00'))).status).toBe(401);
  });

  it('when the avatar changes, then the other members get MEMBER_UPDATE with it; the old URL answers 404, a malformed one 400', async () => {
    const socket = connectGateway(t.url, member.token);
    sockets.push(socket);
    await nextEvent(socket, 'READY');
    const first = (await t.api.get('/users/@me', owner.token)).body.avatar as string;
    const arrived = nextEvent<any>(socket, 'MEMBER_UPDATE', (m) => m.user.id === owner.id && m.user.avatar !== first);
    const res = await upload('/users/@me/avatar', await solid('#ff00ff'), { token: owner.token });
    expect(res.status).toBe(200);
    const event = await arrived;
    expect(() => ServerEvents.MEMBER_UPDATE.parse(event)).not.toThrow();
    expect(event).toMatchObject({ guildId, user: { id: owner.id, avatar: res.body.avatar } });

    expect((await fetchImage(`/users/${owner.id}/avatars/${first}`)).status).toBe(404);
    expect((await fetchImage(`/users/${owner.id}/avatars/${res.body.avatar}`)).status).toBe(200);
    expect((await fetchImage(`/users/${owner.id}/avatars/not-a-hash`)).status).toBe(400);
    // The member list shows it too.
    const members = (await t.api.get(`/guilds/${guildId}/members`, member.token)).body.items;
    expect(members.find((m: any) => m.user.id === owner.id).user.avatar).toBe(res.body.avatar);

    const removed = nextEvent<any>(socket, 'MEMBER_UPDATE', (m) => m.user.id === owner.id && m.user.avatar === null);
    const del = await t.api.del('/users/@me/avatar', owner.token);
    expect(del.status).toBe(200);
    expect(del.body.avatar).toBeNull();
    await removed;
    expect((await fetchImage(`/users/${owner.id}/avatars/${res.body.avatar}`)).status).toBe(404);
  });

  it('when a member without MANAGE_GUILD sets or removes the icon, then it is refused 403; the owner sets it, members get GUILD_UPDATE and the audit log has it', async () => {
    const refused = await upload(`/guilds/${guildId}/icon`, await solid('#00ffff'), { token: member.token });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    expect((await t.api.del(`/guilds/${guildId}/icon`, member.token)).status).toBe(403);
    expect(await images().countDocuments({ ownerId: guildId })).toBe(0);

    const socket = connectGateway(t.url, member.token);
    sockets.push(socket);
    await nextEvent(socket, 'READY');
    const arrived = nextEvent<any>(socket, 'GUILD_UPDATE', (g) => g.id === guildId && g.icon !== null);
    const res = await upload(`/guilds/${guildId}/icon`, await solid('#00ffff', 'webp'), { token: owner.token, type: 'image/webp' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: guildId, icon: expect.stringMatching(/^[0-9a-f]{32}$/) });
    const event = await arrived;
    expect(() => ServerEvents.GUILD_UPDATE.parse(event)).not.toThrow();
    expect(event.icon).toBe(res.body.icon);

    const served = await fetchImage(`/guilds/${guildId}/icons/${res.body.icon}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await sharp(Buffer.from(await served.arrayBuffer())).metadata()).width).toBe(256);
    expect((await fetchImage(`/guilds/${guildId}/icons/${'0'.repeat(32)}`)).status).toBe(404);

    const audit = (await t.api.get(`/guilds/${guildId}/audit-log?action=guild.update`, owner.token)).body.items;
    expect(audit[0]).toMatchObject({ action: 'guild.update', actorId: owner.id, details: { icon: res.body.icon } });

    const del = await t.api.del(`/guilds/${guildId}/icon`, owner.token);
    expect(del.status).toBe(200);
    expect(del.body.icon).toBeNull();
    expect((await fetchImage(`/guilds/${guildId}/icons/${res.body.icon}`)).status).toBe(404);
  });
});
