import type { RouteContract } from '@shared/api/contract';
import { ErrorBody } from '@shared/api/common';
import { z } from 'zod';
import { rateLimitDocs } from './route-rate-limits';

const toSchema = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'openapi-3.0' }) as Record<string, unknown>;

/** `/guilds/:guildId` → `/guilds/{guildId}`. */
const openApiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}');

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const json = toSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: s,
  }));
}

/**
 * OpenAPI 3 document generated from the same zod contracts the server validates with (zod 4's z.toJSONSchema), so the
 * document cannot drift from the implementation.
 */
export function buildOpenApi(contracts: readonly RouteContract[], info: { version: string; serverUrl: string }) {
  const errorSchema = toSchema(ErrorBody, 'output');
  const paths: Record<string, Record<string, unknown>> = {};
  for (const c of contracts) {
    const p = (paths[openApiPath(c.path)] ??= {});
    const status = String(c.status ?? (c.response || c.produces ? 200 : 204));
    const success = c.response
      ? { description: 'OK', content: { 'application/json': { schema: toSchema(c.response, 'output') } } }
      : c.produces
        ? { description: 'OK', content: { [c.produces]: { schema: { type: 'string', format: 'binary' } } } }
        : { description: 'No content' };
    // What any route can answer, whatever it does: the body parser and input validation run before every handler (a
    // JSON body in an unsupported charset is 415 even on a GET), and any route that reads the database answers 503
    // while it does not respond.
    const responses: Record<string, unknown> = {
      [status]: success,
      '400': {
        description:
          'Invalid input (VALIDATION_FAILED, MALFORMED_JSON; INVALID_CHARACTERS: a name or text holds a control character or a bidi override)',
        content: { 'application/json': { schema: errorSchema } },
      },
      '404': { description: 'Not found (or not visible to you)', content: { 'application/json': { schema: errorSchema } } },
      '413': { description: 'Body too large', content: { 'application/json': { schema: errorSchema } } },
      '415': {
        description: 'UNSUPPORTED_MEDIA_TYPE: a body in an unsupported encoding or charset',
        content: { 'application/json': { schema: errorSchema } },
      },
      '503': {
        description: 'DEPENDENCY_UNAVAILABLE: a service the server depends on (database, Redis, LiveKit) is not answering',
        headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } },
        content: { 'application/json': { schema: errorSchema } },
      },
    };
    // Rate-limited routes: the 429 and the X-RateLimit-* headers, on the success answer too.
    const limits = rateLimitDocs(c, errorSchema);
    if (limits) {
      responses['429'] = limits.response429;
      responses[status] = { ...success, headers: limits.headers };
    }
    // A retried create (same nonce) answers 200 with the original, with the same body and headers.
    if (c.replayed && status !== '200') responses['200'] = { ...(responses[status] as object), description: c.replayed };
    if (c.auth) {
      responses['401'] = { description: 'Missing or invalid access token', content: { 'application/json': { schema: errorSchema } } };
      responses['403'] = {
        description: c.scope
          ? `Missing permission; MISSING_SCOPE: a personal API token without \`${c.scope}\``
          : 'Missing permission; MISSING_SCOPE: API tokens (bot or personal) cannot use this route',
        content: { 'application/json': { schema: errorSchema } },
      };
    }
    if (c.ranges) {
      responses['206'] = { ...(success as object), description: 'Partial content (a Range request)' };
      responses['302'] = {
        description: 'The file is in object storage (S3): Location is a short-lived signed URL to it',
        headers: { Location: { schema: { type: 'string' } } },
      };
      responses['304'] = { description: 'Not modified (a conditional GET)' };
      responses['412'] = {
        description: 'An If-Match / If-Unmodified-Since precondition failed',
        content: { 'application/json': { schema: errorSchema } },
      };
      responses['416'] = { description: 'Requested range not satisfiable', content: { 'application/json': { schema: errorSchema } } };
    }
    for (const [code, description] of Object.entries(c.errors ?? {}))
      responses[code] = { description, content: { 'application/json': { schema: errorSchema } } };
    const binaryBody = c.upload
      ? {
          requestBody: {
            required: true,
            description: `At most ${c.upload.maxBytes} bytes`,
            content: Object.fromEntries(c.upload.mediaTypes.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])),
          },
        }
      : {};
    p[c.method] = {
      summary: c.summary,
      tags: [c.tag],
      ...(c.auth ? { security: [{ bearer: [] }] } : {}),
      parameters: [...parameters(c.params, 'path'), ...parameters(c.query, 'query')],
      ...(c.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(c.body, 'input') } } } }
        : binaryBody),
      responses,
    };
  }
  return {
    openapi: '3.0.3',
    info: { title: 'Parley API', version: info.version },
    servers: [{ url: info.serverUrl }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths,
  };
}
