import { attachmentRoutes } from '@shared/api/attachments';
import { callRoutes } from '@shared/api/calls';
import type { RouteContract } from '@shared/api/contract';
import { embedRoutes } from '@shared/api/embed';
import { privateChannelRoutes } from '@shared/api/private-channels';
import { recordingRoutes } from '@shared/api/recordings';
import { routes } from '@shared/api/routes';
import { voiceRoutes } from '@shared/api/voice';
import { webhookRoutes } from '@shared/api/webhooks';
import { describe, expect, it } from 'vitest';
import { buildOpenApi } from './openapi';

const ALL: RouteContract[] = [
  routes,
  voiceRoutes,
  recordingRoutes,
  attachmentRoutes,
  privateChannelRoutes,
  callRoutes,
  embedRoutes,
  webhookRoutes,
].flatMap((group) => Object.values(group) as RouteContract[]);
const doc = buildOpenApi(ALL, { version: '1', serverUrl: '/api/v1' });
type Responses = Record<string, { content?: Record<string, { schema: unknown }>; headers?: Record<string, unknown> }>;
const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({
    name: `${method.toUpperCase()} ${path}`,
    responses: (op as { responses: Responses }).responses,
  })),
);
const errorSchema = (r: Responses, status: string) => r[status]?.content?.['application/json']?.schema;

describe('the OpenAPI document', () => {
  it('when any route is listed, then 400, 404, 413, 415 and 503 are documented with the error envelope', () => {
    expect(operations.length).toBe(ALL.length);
    for (const op of operations) {
      for (const status of ['400', '404', '413', '415', '503']) {
        expect(errorSchema(op.responses, status), `${op.name} ${status}`).toMatchObject({ properties: { error: { type: 'object' } } });
      }
      expect(op.responses['503']?.headers?.['Retry-After'], op.name).toBeDefined();
    }
  });

  it('when a route is public, then 401 is documented only where it really answers it (login, refresh, ticket downloads)', () => {
    const publicNames = new Set(
      ALL.filter((c) => !c.auth).map((c) => `${c.method.toUpperCase()} ${c.path.replace(/:([A-Za-z]+)/g, '{$1}')}`),
    );
    const public401 = operations.filter((op) => publicNames.has(op.name) && op.responses['401']).map((op) => op.name);
    expect(public401.sort()).toEqual([
      'GET /attachments/{attachmentId}/file',
      'GET /recordings/{recordingId}/stream',
      'POST /auth/login',
      'POST /auth/refresh',
    ]);
  });

  it('when a message send is retried with its nonce, then the 200 it answers with the stored message is documented next to the 201', () => {
    const byName = (name: string) => operations.find((op) => op.name === name)!.responses;
    const send = byName('POST /channels/{channelId}/messages');
    expect(Object.keys(send)).toEqual(expect.arrayContaining(['200', '201']));
    expect(errorSchema(send, '201')).toBeDefined();
    expect(errorSchema(send, '200')).toEqual(errorSchema(send, '201'));
    // Only a route that replays has it.
    const create = { responses: byName('POST /guilds/{guildId}/channels') };
    expect(create.responses['200']).toBeUndefined();
  });

  it('when services throw CONFLICT or USERNAME_TAKEN, then their routes document 409', () => {
    const with409 = new Set(operations.filter((op) => op.responses['409']).map((op) => op.name));
    for (const name of [
      'POST /auth/register',
      'PATCH /users/@me',
      'DELETE /users/@me',
      'DELETE /users/@me/sessions',
      'DELETE /users/@me/guilds/{guildId}',
      'POST /guilds/{guildId}/roles',
      'POST /channels/{channelId}/messages',
      'PATCH /guilds/{guildId}/voice-states/{userId}',
      'DELETE /guilds/{guildId}/voice-states/{userId}',
      'POST /channels/{channelId}/recordings',
      'DELETE /recordings/{recordingId}',
    ]) {
      expect(with409.has(name), name).toBe(true);
    }
  });

  it('when a route serves a file with Range, then 200 and 206 carry its media type, and 304 / 412 / 416 are documented', () => {
    const file = operations.find((op) => op.name === 'GET /attachments/{attachmentId}/file')!;
    expect(Object.keys(file.responses['200']?.content ?? {})).toEqual(['*/*']);
    expect(Object.keys(file.responses['206']?.content ?? {})).toEqual(['*/*']);
    expect(file.responses['204']).toBeUndefined();
    expect(file.responses['304']).toBeDefined();
    expect(file.responses['302']?.headers?.['Location']).toBeDefined();
    expect(errorSchema(file.responses, '412')).toBeDefined();
    expect(errorSchema(file.responses, '416')).toBeDefined();
    const stream = operations.find((op) => op.name === 'GET /recordings/{recordingId}/stream')!;
    expect(Object.keys(stream.responses['200']?.content ?? {})).toEqual(['audio/ogg']);
  });

  it("when a guest asks for the voice widget's token, then 403 (guests off) and 429 (per IP) are documented, and no 401", () => {
    const guest = operations.find((op) => op.name === 'POST /embed/voice/{channelId}/guest-token')!;
    expect(errorSchema(guest.responses, '403')).toBeDefined();
    expect(errorSchema(guest.responses, '429')).toBeDefined();
    expect(guest.responses['201']).toBeDefined();
    expect(guest.responses['401']).toBeUndefined();
  });
});
