import type { ErrorCode } from '@shared/api/common';
import { isInvalidCharactersIssue } from '@shared/api/text';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ServerError } from 'livekit-server-sdk';
import {
  MongoClientClosedError,
  MongoDriverError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
import { z } from 'zod';
import type { Logger } from './logger';

export type { ErrorCode };

const STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  INVALID_CHARACTERS: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAUTHENTICATED: 401,
  TOKEN_EXPIRED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  MISSING_SCOPE: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  USERNAME_TAKEN: 409,
  RATE_LIMITED: 429,
  BANNED: 403,
  INVITE_INVALID: 404,
  CHANNEL_FULL: 403,
  WRONG_CHANNEL_TYPE: 400,
  REACTION_LIMIT: 400,
  INVALID_REPLY: 400,
  USER_BUSY: 409,
  DEPENDENCY_UNAVAILABLE: 503,
  WEBHOOK_URL_REFUSED: 400,
  WEBHOOKS_DISABLED: 503,
  INTERNAL: 500,
};

/**
 * The one error type services throw. `code` is from the closed union in src-shared/api/common.ts; the HTTP status
 * follows from it. `headers` lets e.g. RATE_LIMITED carry Retry-After.
 */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = STATUS[code];
  }

  static notFound(what = 'Resource'): AppError {
    return new AppError('NOT_FOUND', `${what} not found`);
  }
  static forbidden(message = 'Missing permission'): AppError {
    return new AppError('FORBIDDEN', message);
  }
  static validation(message: string, details?: unknown): AppError {
    return new AppError('VALIDATION_FAILED', message, details);
  }
}

export function httpStatusOf(code: ErrorCode): number {
  return STATUS[code];
}

/** Field-path list of a zod error, as `details` of VALIDATION_FAILED. */
export function zodDetails(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/**
 * 400 for input that failed its zod schema: INVALID_CHARACTERS when a name or text holds a forbidden character (so a
 * client can say exactly that), VALIDATION_FAILED otherwise; `details` lists every field either way.
 */
export function validationError(message: string, error: z.ZodError, prefix?: string): AppError {
  const details = zodDetails(error).map((d) => (prefix === undefined ? d : { ...d, path: d.path ? `${prefix}.${d.path}` : prefix }));
  if (error.issues.some(isInvalidCharactersIssue))
    return new AppError('INVALID_CHARACTERS', `${message}: control characters and bidirectional overrides are not allowed`, details);
  return AppError.validation(message, details);
}

/** What clients are told to wait before retrying a request that failed because a dependency did not answer. */
export const DEPENDENCY_RETRY_AFTER_SECONDS = 5;

export type Dependency = 'mongodb' | 'redis' | 'livekit';

/**
 * The MongoDB driver's "the server did not answer" errors: a socket, handshake or pool checkout that timed out, no
 * server selectable in time, a connection lost or a pool cleared under an operation, the client closed (shutdown).
 * Server-side errors (a duplicate key, a validation failure) are not among them: those are bugs or domain results.
 */
function isMongoUnavailable(err: unknown): boolean {
  if (
    err instanceof MongoNetworkError || // also MongoNetworkTimeoutError and the pool-cleared error
    err instanceof MongoServerSelectionError ||
    err instanceof MongoOperationTimeoutError ||
    err instanceof MongoTopologyClosedError ||
    err instanceof MongoClientClosedError ||
    err instanceof MongoNotConnectedError
  ) {
    return true;
  }
  // Pool checkout timeout (waitQueueTimeoutMS) and a closed pool: driver classes the package does not export.
  return err instanceof MongoDriverError && (err.name === 'MongoWaitQueueTimeoutError' || err.name === 'MongoPoolClosedError');
}

/**
 * ioredis rejects with plain `Error`s for these (see ioredis/built/Redis.js and Command.js), so they are matched by
 * their fixed messages: a command past `commandTimeout`, a command while disconnected with no offline queue, a command
 * on a closed connection or one aborted when it closed. rate-limiter-flexible adds its own "not ready" error, and the
 * Socket.IO Redis adapter times out requests to the other instances.
 */
const REDIS_UNAVAILABLE_MESSAGES = new Set([
  'Command timed out',
  "Stream isn't writeable and enableOfflineQueue options is false",
  'Connection is closed.',
  'Command aborted due to connection close',
  'Redis connection is not ready',
]);
const ADAPTER_TIMEOUT = /^timeout reached while waiting for \w+ response$/;

function isRedisUnavailable(err: unknown): boolean {
  // By name: the class lives in ioredis/built/errors, a directory import Node's ESM loader refuses in the server bundle.
  if (err instanceof Error && err.name === 'MaxRetriesPerRequestError') return true;
  return err instanceof Error && (REDIS_UNAVAILABLE_MESSAGES.has(err.message) || ADAPTER_TIMEOUT.test(err.message));
}

/**
 * LiveKit's server API (RoomService, Egress) answered that it cannot serve the call now: a 5xx Twirp error such as
 * "no response from servers" under load, or no answer at all (the RoomService client turns a refused connection or
 * its deadline into a 503: livekit/room-client.ts). A 4xx is an answer about the request (a participant not found, …).
 */
function isLiveKitUnavailable(err: unknown): boolean {
  return err instanceof ServerError && err.status >= 500;
}

/** Which dependency failed to answer, when `err` says one did; null for any other error. */
export function unavailableDependency(err: unknown): Dependency | null {
  if (isMongoUnavailable(err)) return 'mongodb';
  if (isRedisUnavailable(err)) return 'redis';
  if (isLiveKitUnavailable(err)) return 'livekit';
  return null;
}

/** 503 DEPENDENCY_UNAVAILABLE with Retry-After; `cause` keeps the driver's error for the log line. */
export function dependencyUnavailable(dependency: Dependency, cause?: unknown): AppError {
  const err = new AppError(
    'DEPENDENCY_UNAVAILABLE',
    'A service the server depends on is not responding; try again shortly',
    { retryAfterSeconds: DEPENDENCY_RETRY_AFTER_SECONDS },
    { 'Retry-After': String(DEPENDENCY_RETRY_AFTER_SECONDS) },
  );
  err.cause = cause === undefined ? { dependency } : { dependency, error: cause };
  return err;
}

interface BodyParserError {
  type?: string;
  status?: number;
}

/**
 * Translate anything thrown into an AppError; unknown errors become INTERNAL (and are logged by the handler). A
 * database or Redis that does not answer becomes 503 DEPENDENCY_UNAVAILABLE with Retry-After, never a 500.
 */
export function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  if (err instanceof z.ZodError) return validationError('Invalid input', err);
  const dependency = unavailableDependency(err);
  if (dependency) return dependencyUnavailable(dependency, err);
  const bp = err as BodyParserError;
  if (bp && typeof bp === 'object' && typeof bp.type === 'string') {
    switch (bp.type) {
      case 'entity.too.large':
        return new AppError('PAYLOAD_TOO_LARGE', 'Request body too large');
      case 'entity.parse.failed':
        return new AppError('MALFORMED_JSON', 'Request body is not valid JSON');
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported body encoding');
      case 'request.aborted':
      case 'request.size.invalid':
      case 'stream.encoding.set':
        return new AppError('VALIDATION_FAILED', 'Malformed request body');
    }
  }
  return null;
}

export function errorBody(code: ErrorCode, message: string, requestId: string, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }), requestId } };
}

function requestIdOf(req: { id?: unknown }): string {
  return typeof req.id === 'string' || typeof req.id === 'number' ? String(req.id) : 'unknown';
}

/** The one error middleware: `{ error: { code, message, details?, requestId } }`; stacks are logged, never sent. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const requestId = requestIdOf(req);
    const appError = toAppError(err);
    if (res.headersSent) {
      log.error({ err, requestId }, 'error after response started');
      res.end();
      return;
    }
    if (!appError) {
      log.error({ err, requestId }, 'unhandled error');
      res.status(500).json(errorBody('INTERNAL', 'Internal server error', requestId));
      return;
    }
    if (appError.code === 'DEPENDENCY_UNAVAILABLE') {
      // Expected while a dependency is down: one warning line per request, without a stack.
      const cause = appError.cause as { dependency?: Dependency; error?: unknown } | undefined;
      const reason = cause?.error instanceof Error ? cause.error.message : undefined;
      log.warn({ requestId, dependency: cause?.dependency, reason }, appError.message);
    } else if (appError.status >= 500) {
      log.error({ err, requestId }, appError.message);
    }
    for (const [k, v] of Object.entries(appError.headers ?? {})) res.setHeader(k, v);
    res.status(appError.status).json(errorBody(appError.code, appError.message, requestId, appError.details));
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('NOT_FOUND', `No route ${req.method} ${req.path}`));
};
