import { ErrorBody } from '@shared/api/common';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from '../support/env';
import { registerUser, startTestServer, type TestServer, type TestUser } from './server-helpers';

/**
 * Table-driven over every operation of the served OpenAPI document: malformed input must give a documented 4xx with the
 * error body, never a 5xx, and must write nothing (document counts of every collection unchanged).
 */
interface Operation {
  method: string;
  path: string;
  security?: unknown[];
  parameters?: { name: string; in: 'path' | 'query'; schema: Record<string, unknown> }[];
  /** Uploads (avatars, icons) take image bytes, not JSON: they have no application/json entry. */
  requestBody?: { content: { 'application/json'?: { schema: { properties?: Record<string, JsonSchema> } } } };
  responses: Record<string, unknown>;
}
type JsonSchema = { type?: string | string[]; anyOf?: JsonSchema[]; nullable?: boolean };

/**
 * Query parameters that take any text (message search's `q`): `{"$gt":""}` there is a search for those characters,
 * so it gets an answer, not a 400; server-search.test.ts checks that such characters match literally.
 */
const FREE_TEXT_QUERY = new Set(['q']);

interface Case {
  name: string;
  op: Operation;
  path: string;
  query?: string;
  token?: string | null;
  rawBody?: string;
  body?: unknown;
  expectStatus: number[];
  expectCode?: string[];
}

function wrongTypeFor(schema: JsonSchema): unknown {
  const types = new Set<string>();
  const visit = (s: JsonSchema) => {
    if (typeof s.type === 'string') types.add(s.type);
    if (Array.isArray(s.type)) s.type.forEach((x) => types.add(x));
    s.anyOf?.forEach(visit);
  };
  visit(schema);
  if (types.has('string')) return 12345;
  if (types.has('number') || types.has('integer') || types.has('boolean')) return 'definitely-wrong';
  if (types.has('array')) return 'not-an-array';
  return 987;
}

describe('bad input on every route of the OpenAPI document', () => {
  let t: TestServer;
  let owner: TestUser;
  let member: TestUser;
  let ids: Record<string, string>;
  let operations: Operation[];

  async function counts(): Promise<Record<string, number>> {
    const client = new MongoClient(testEnv().mongoUri);
    try {
      const db = client.db(t.config.MONGODB_DB);
      const names = (await db.listCollections().toArray()).map((c) => c.name).sort();
      const out: Record<string, number> = {};
      for (const n of names) out[n] = await db.collection(n).countDocuments();
      return out;
    } finally {
      await client.close();
    }
  }

  beforeAll(async () => {
    t = await startTestServer();
    owner = await registerUser(t.api, 'bad_owner');
    member = await registerUser(t.api, 'bad_member');
    const guild = (await t.api.post('/guilds', { name: 'Bad input' }, owner.token)).body;
    const channels = (await t.api.get(`/guilds/${guild.id}/channels`, owner.token)).body.items;
    const text = channels.find((c: { type: string }) => c.type === 'text');
    const invite = (await t.api.post(`/guilds/${guild.id}/invites`, {}, owner.token)).body;
    await t.api.post(`/invites/${invite.code}`, undefined, member.token);
    const message = (await t.api.post(`/channels/${text.id}/messages`, { content: 'hello' }, owner.token)).body;
    const role = (await t.api.post(`/guilds/${guild.id}/roles`, { name: 'r' }, owner.token)).body;
    ids = { guildId: guild.id, channelId: text.id, messageId: message.id, roleId: role.id, userId: member.id, code: invite.code };
    const doc = (await (await fetch(`${t.url}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, Omit<Operation, 'method' | 'path'>>>;
    };
    operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ ...op, method, path })),
    );
  });
  afterAll(async () => {
    await t?.stop();
  });

  function fill(op: Operation, override: Record<string, string> = {}): string {
    return op.path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(override[name] ?? ids[name] ?? 'a'.repeat(24)));
  }

  function casesFor(op: Operation): Case[] {
    const authed = (op.security?.length ?? 0) > 0;
    const cases: Case[] = [];
    const base = { op, path: fill(op), token: owner.token };
    if (authed) cases.push({ ...base, name: 'no token', token: null, expectStatus: [401], expectCode: ['UNAUTHENTICATED'] });
    if (authed) cases.push({ ...base, name: 'garbage token', token: 'x.y.z', expectStatus: [401], expectCode: ['UNAUTHENTICATED'] });
    for (const p of op.parameters?.filter((p) => p.in === 'path') ?? []) {
      for (const bad of ['bad id!', '$gt', 'A'.repeat(300)]) {
        cases.push({
          ...base,
          name: `malformed path ${p.name}=${bad.slice(0, 10)}`,
          path: fill(op, { [p.name]: bad }),
          expectStatus: [400],
          expectCode: ['VALIDATION_FAILED'],
        });
      }
    }
    cases.push({ ...base, name: 'unknown query parameter', query: 'zzz=1', expectStatus: [400], expectCode: ['VALIDATION_FAILED'] });
    cases.push({ ...base, name: 'operator in query', query: 'before[$gt]=', expectStatus: [400], expectCode: ['VALIDATION_FAILED'] });
    for (const p of op.parameters?.filter((p) => p.in === 'query') ?? []) {
      if (FREE_TEXT_QUERY.has(p.name)) {
        // Free text: an operator-looking string is just text to look for (answered, never run as an operator).
        cases.push({ ...base, name: `operator text in ${p.name}`, query: `${p.name}=%7B%22%24gt%22%3A%22%22%7D`, expectStatus: [200] });
        continue;
      }
      cases.push({
        ...base,
        name: `malformed query ${p.name}`,
        query: `${p.name}=%7B%22%24gt%22%3A%22%22%7D`,
        expectStatus: [400],
        expectCode: ['VALIDATION_FAILED'],
      });
    }
    if (['post', 'put', 'patch', 'delete'].includes(op.method)) {
      cases.push({ ...base, name: 'malformed JSON', rawBody: '{"a":', expectStatus: [400], expectCode: ['MALFORMED_JSON'] });
      cases.push({
        ...base,
        name: 'oversized body',
        rawBody: JSON.stringify({ content: 'x'.repeat(200_000) }),
        expectStatus: [413],
        expectCode: ['PAYLOAD_TOO_LARGE'],
      });
      cases.push({ ...base, name: 'unknown field', body: { zzzUnknown: 1 }, expectStatus: [400], expectCode: ['VALIDATION_FAILED'] });
      cases.push({
        ...base,
        name: 'top-level operator',
        body: { $where: 'sleep(1000)' },
        expectStatus: [400],
        expectCode: ['VALIDATION_FAILED'],
      });
      cases.push({ ...base, name: 'array body', body: [1, 2], expectStatus: [400], expectCode: ['VALIDATION_FAILED'] });
      const props = op.requestBody?.content['application/json']?.schema.properties ?? {};
      for (const [name, schema] of Object.entries(props)) {
        cases.push({
          ...base,
          name: `operator injection in ${name}`,
          body: { [name]: { $gt: '' } },
          expectStatus: [400],
          expectCode: ['VALIDATION_FAILED'],
        });
        cases.push({
          ...base,
          name: `wrong type for ${name}`,
          body: { [name]: wrongTypeFor(schema) },
          expectStatus: [400],
          expectCode: ['VALIDATION_FAILED'],
        });
      }
    }
    return cases;
  }

  it('when malformed input hits any route, then it gets a documented 4xx error body, never a 5xx, and nothing is written', async () => {
    expect(operations.length).toBeGreaterThanOrEqual(40);
    const before = await counts();
    const failures: string[] = [];
    let total = 0;
    for (const op of operations) {
      for (const c of casesFor(op)) {
        total++;
        const res = await t.api.request(op.method, `${c.path.replace(/^\/api\/v1/, '')}${c.query ? `?${c.query}` : ''}`, {
          token: c.token ?? undefined,
          ...(c.rawBody !== undefined ? { rawBody: c.rawBody } : c.body !== undefined ? { body: c.body } : {}),
        });
        const label = `${op.method.toUpperCase()} ${op.path} [${c.name}] → ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`;
        if (res.status >= 500) failures.push(`5xx: ${label}`);
        else if (!c.expectStatus.includes(res.status)) failures.push(`status: ${label}`);
        else if (res.status < 300) continue;
        else if (!ErrorBody.safeParse(res.body).success) failures.push(`body: ${label}`);
        else if (c.expectCode && !c.expectCode.includes(res.body.error.code)) failures.push(`code: ${label}`);
        else if (!(String(res.status) in op.responses)) failures.push(`undocumented status: ${label}`);
      }
    }
    expect(failures).toEqual([]);
    expect(total).toBeGreaterThan(300);
    expect(await counts()).toEqual(before);
  });
});
