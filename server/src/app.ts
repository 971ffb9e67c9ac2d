import compression from 'compression';
import cors from 'cors';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Config } from './config';
import { errorHandler, notFoundHandler } from './errors';
import type { HealthReport } from './health';
import type { Logger } from './logger';
import type { MetricsExposition, ParleyMetrics } from './metrics/metrics';
import { httpMetrics, metricsEndpoint, tagRoute } from './metrics/http-metrics';
import type { ServerModule } from './modules/context';
import { requestLog } from './http/request-log';
import { RATE_LIMIT_HEADERS } from './http/route-rate-limits';
import { webClient } from './http/web-client';

export interface AppDeps {
  config: Config;
  log: Logger;
  modules: readonly ServerModule[];
  health: () => Promise<HealthReport>;
  openApi: () => unknown;
  /** HTTP metrics are observed into it; GET /metrics is served only when METRICS_TOKEN is set too. */
  metrics?: ParleyMetrics;
  /** What GET /metrics answers; defaults to this instance's metrics (server.ts passes every worker's under node:cluster). */
  metricsExposition?: () => Promise<MetricsExposition>;
}

/** JSON bodies above this are refused with 413 PAYLOAD_TOO_LARGE (messages are ≤ 4000 chars). */
export const JSON_BODY_LIMIT = '64kb';

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** The Express app, without listening (server.ts owns the HTTP server so tests can run it in-process). */
export function createApp(deps: AppDeps): Express {
  const { config, log } = deps;
  const app = express();
  app.disable('x-powered-by');
  // API responses are never revalidated (they carry auth-dependent, fresh data): hashing every body for an ETag is
  // wasted work. Static files keep theirs (express.static sets its own).
  app.set('etag', false);
  app.set('trust proxy', config.TRUST_PROXY);
  app.set('query parser', 'simple');

  // First, so a request's duration covers every middleware after it.
  if (deps.metrics) app.use(httpMetrics(deps.metrics));

  const livekitOrigin = originOf(config.LIVEKIT_PUBLIC_URL);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          // The web client talks to this origin (REST + Socket.IO) and to LiveKit's public URL.
          connectSrc: ["'self'", ...(livekitOrigin ? [livekitOrigin, livekitOrigin.replace(/^ws/, 'http')] : [])],
          mediaSrc: ["'self'", 'blob:'],
          imgSrc: ["'self'", 'data:', 'blob:'],
          workerSrc: ["'self'", 'blob:'],
          styleSrc: ["'self'", "'unsafe-inline'"],
          scriptSrc: ["'self'"],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
        },
      },
    }),
  );

  app.use(requestLog(log.child({ module: 'http' }), { ignore: (url) => url === '/health' || url === '/metrics' }));

  app.get('/health', async (_req, res) => {
    const report = await deps.health();
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  });
  if (deps.metrics && config.METRICS_TOKEN) {
    app.get('/metrics', metricsEndpoint(config.METRICS_TOKEN, deps.metricsExposition ?? deps.metrics.scrape));
  }

  const api = express.Router();
  // Bearer tokens, not cookies, authenticate the API, so CORS only has to name which other origins (the desktop
  // renderer) may read responses; it carries no credentials.
  api.use(cors({ origin: [...config.CORS_ORIGINS], maxAge: 600, exposedHeaders: ['X-Request-Id', 'Retry-After', ...RATE_LIMIT_HEADERS] }));
  // Raw routers first: they need the unparsed body (e.g. LiveKit webhook signatures cover the exact bytes).
  for (const m of deps.modules) if (m.raw) api.use(m.raw.path, tagRoute(m.raw.path), m.raw.router);
  // JSON answers over 1 KB (history pages, channel lists, READY-sized reads) go out gzip/brotli-compressed when the client
  // accepts it; media (recordings, avatars) is not compressible and passes untouched, Range requests included.
  api.use(compression({ threshold: 1024 }));
  api.use(express.json({ limit: JSON_BODY_LIMIT, strict: true }));
  api.get('/openapi.json', (_req, res) => {
    res.json(deps.openApi());
  });
  // One router per first path segment (`/guilds`, `/channels`, …), mounted at that segment, so a request enters only
  // the router that holds its route. With one router per module in a row, every request entered (and tried every route
  // of) each module router before its own: a voice join walked through seven. Route order within a segment is module
  // order, then registration order, as before.
  const bySegment = new Map<string, express.Router>();
  for (const m of deps.modules) {
    for (const r of m.api?.routes ?? []) {
      const [, segment = '', ...rest] = r.path.split('/');
      let router = bySegment.get(segment);
      if (!router) bySegment.set(segment, (router = express.Router()));
      router[r.method](`/${rest.join('/')}`, tagRoute(r.path), ...r.handlers);
    }
  }
  for (const [segment, router] of bySegment) api.use(`/${segment}`, router);
  api.use(notFoundHandler);
  app.use('/api/v1', api);

  for (const m of deps.modules) if (m.page) app.use(m.page.path, tagRoute(m.page.path), m.page.router);

  // The web client: hashed assets cached for good, index.html revalidated, precompressed copies sent when accepted.
  app.use('/app', webClient(config.WEB_DIR));
  app.get('/', (_req, res) => {
    res.redirect('/app');
  });

  app.use(notFoundHandler);
  app.use(errorHandler(log.child({ module: 'errors' })));
  return app;
}
