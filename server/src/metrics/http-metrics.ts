import { createHash, timingSafeEqual } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { RequestHandler } from 'express';
import { AppError } from '../errors';
import type { MetricsExposition, ParleyMetrics } from './metrics';
import { methodLabel, routeLabel, statusLabel } from './route-label';

declare module 'express-serve-static-core' {
  interface Locals {
    /** The matched route's template under /api/v1 (`/guilds/:guildId`), set by `tagRoute` for the HTTP metrics. */
    routeTemplate?: string;
  }
}

/** Put before a route's handlers: names the request by its template, so metrics never see its URL. */
export function tagRoute(template: string): RequestHandler {
  return (_req, res, next) => {
    res.locals.routeTemplate = template;
    next();
  };
}

/** Observes every request's duration once it ends (or its client leaves), labelled by method, route template and status. */
export function httpMetrics(metrics: ParleyMetrics): RequestHandler {
  return (req, res, next) => {
    const startedAt = performance.now();
    const done = (): void => {
      res.off('finish', done);
      res.off('close', done);
      metrics.http.duration.observe(
        {
          method: methodLabel(req.method),
          route: routeLabel(res.locals.routeTemplate, req.originalUrl),
          status: statusLabel(res.statusCode, res.writableFinished),
        },
        (performance.now() - startedAt) / 1000,
      );
    };
    res.on('finish', done);
    res.on('close', done);
    next();
  };
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * GET /metrics: the Prometheus text format, only with `Authorization: Bearer <METRICS_TOKEN>` (401 otherwise). The
 * token is compared in constant time (over digests, so its length does not leak either). Mounted only when
 * METRICS_TOKEN is set: without it the path answers 404 like any unknown path.
 * @param scrape the exposition to serve: this instance's registry, or every worker's under node:cluster.
 */
export function metricsEndpoint(token: string, scrape: () => Promise<MetricsExposition>): RequestHandler {
  const expected = digest(`Bearer ${token}`);
  return async (req, res) => {
    const given = req.headers.authorization;
    if (typeof given !== 'string' || !timingSafeEqual(digest(given), expected)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      throw new AppError('UNAUTHENTICATED', 'A metrics token is required');
    }
    const { contentType, body } = await scrape();
    res.setHeader('Cache-Control', 'no-store');
    res.type(contentType).send(body);
  };
}
