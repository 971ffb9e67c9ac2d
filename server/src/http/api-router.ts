import type { RouteContract } from '@shared/api/contract';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import { AppError, validationError } from '../errors';
import { requireScope } from './auth.middleware';
import type { RouteRateLimits } from './route-rate-limits';

type Out<S> = S extends z.ZodType ? z.output<S> : Record<string, never>;

export interface HandlerInput<C extends RouteContract> {
  params: Out<C['params']>;
  query: Out<C['query']>;
  body: Out<C['body']>;
  /** The authenticated user (routes with `auth: true`); null on public routes. */
  userId: C['auth'] extends true ? string : null;
  req: Request;
  res: Response;
  /** Override the contract's success status (e.g. 200 instead of 201 when a retried create returns the original). */
  setStatus(status: 200 | 201 | 202 | 204): void;
}

export type RouteResult<C extends RouteContract> = C['response'] extends z.ZodType ? z.input<C['response']> : void;
export type RouteHandler<C extends RouteContract> = (input: HandlerInput<C>) => Promise<RouteResult<C>>;

function hasOperatorKey(value: unknown, depth = 0): boolean {
  if (depth > 32) return true;
  if (Array.isArray(value)) return value.some((v) => hasOperatorKey(v, depth + 1));
  if (value && typeof value === 'object') {
    return Object.entries(value).some(([k, v]) => k.startsWith('$') || hasOperatorKey(v, depth + 1));
  }
  return false;
}

function parsePart(schema: z.ZodType | undefined, value: unknown, part: 'params' | 'query' | 'body'): unknown {
  if (!schema) {
    const empty = value === undefined || (typeof value === 'object' && value !== null && Object.keys(value).length === 0);
    if (!empty) throw AppError.validation(`This route takes no ${part}`, [{ path: part, message: `unexpected ${part}` }]);
    return {};
  }
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(`Invalid ${part}`, result.error, part);
  return result.data;
}

/**
 * An Express router that registers handlers against shared route contracts (src-shared/api), so validation, auth and
 * response shaping happen in one place and the OpenAPI document lists exactly what is served.
 *
 *   const api = createApiRouter(ctx.requireAuth);
 *   api.handle(voiceRoutes.join, async ({ params, body, userId }) => service.join(userId, params.channelId, body));
 *
 * Every input part is parsed with its zod schema (strict objects reject unknown fields); any `$`-prefixed key anywhere
 * in the body is rejected before parsing, as defence in depth against operator injection. Every write route is rate
 * limited here (`rateLimits`, see route-rate-limits.ts), before its input is even parsed, so no module can forget it.
 * Requests made with a bot or personal API token are held to the route's declared `scope` here too (requireScope).
 */
export class ApiRouter {
  readonly router = Router();
  readonly contracts: RouteContract[] = [];
  /** Every route as registered on `router` (path and handler chain), so the app can mount them by path segment. */
  readonly routes: { method: RouteContract['method']; path: string; handlers: RequestHandler[] }[] = [];
  constructor(
    private readonly requireAuth: RequestHandler,
    private readonly validateResponses = false,
    private readonly rateLimits: RouteRateLimits | null = null,
  ) {}

  handle<C extends RouteContract>(contract: C, handler: RouteHandler<C>): void {
    this.register(contract, async (input, getStatus) => {
      const result = await handler(input);
      const status = getStatus();
      const { res } = input;
      if (status === 204 || !contract.response) {
        res.status(status === 200 ? 204 : status).end();
        return;
      }
      const payload = this.validateResponses ? contract.response.parse(result) : result;
      res.status(status).json(payload);
    });
  }

  /**
   * Like `handle`, for routes whose response is not JSON (files, redirects, streams): input is validated the same way,
   * then the handler writes the response itself through `input.res`.
   *   api.handleRaw(routes.getRecordingFile, async ({ userId, params, res }) => { res.sendFile(...) });
   */
  handleRaw<C extends RouteContract>(contract: C, handler: (input: HandlerInput<C>) => Promise<void>): void {
    this.register(contract, (input) => handler(input));
  }

  private register<C extends RouteContract>(contract: C, run: (input: HandlerInput<C>, getStatus: () => number) => Promise<void>): void {
    this.contracts.push(contract);
    const gates = this.rateLimits?.gatesFor(contract);
    const pre: RequestHandler[] = [
      ...(gates ? [gates.beforeAuth] : []),
      ...(contract.auth ? [this.requireAuth, requireScope(contract)] : []),
      ...(gates ? [gates.afterAuth] : []),
    ];
    const handler: RequestHandler = async (req, res) => {
      if (hasOperatorKey(req.body))
        throw AppError.validation('Keys starting with $ are not allowed', [{ path: 'body', message: 'operator key' }]);
      const params = parsePart(contract.params, { ...req.params }, 'params');
      const query = parsePart(contract.query, { ...(req.query as object) }, 'query');
      const body = parsePart(contract.body, contract.body ? req.body : (req.body ?? undefined), 'body');
      let status: number = contract.status ?? 200;
      const input = {
        params,
        query,
        body,
        req,
        res,
        userId: (contract.auth ? req.auth?.userId : null) as HandlerInput<C>['userId'],
        setStatus: (s: number) => {
          status = s;
        },
      } as HandlerInput<C>;
      await run(input, () => status);
    };
    this.routes.push({ method: contract.method, path: contract.path, handlers: [...pre, handler] });
    this.router[contract.method](contract.path, ...pre, handler);
  }
}

export function createApiRouter(
  requireAuth: RequestHandler,
  validateResponses = false,
  rateLimits: RouteRateLimits | null = null,
): ApiRouter {
  return new ApiRouter(requireAuth, validateResponses, rateLimits);
}
