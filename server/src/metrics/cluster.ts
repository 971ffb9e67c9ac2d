import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { MetricsExposition } from './metrics';

/**
 * Metrics under node:cluster (SERVER_WORKERS > 1). The workers share one port and the kernel hands each connection to
 * any of them, so a scrape answered from the worker that took it would show that worker's counts only, a different
 * worker each time. Instead the worker that takes a scrape asks the primary, which collects every worker's registry
 * over the cluster IPC channel (prom-client's AggregatorRegistry) and answers with the sum: counters and histograms add
 * up, gauges of shared state use their own aggregator (see metrics.ts).
 */

const REQUEST = 'parley:metrics:request';
const REPLY = 'parley:metrics:reply';
/** prom-client's primary gives up on a worker after 5 s; a worker waits a little longer for the primary's answer. */
const WORKER_WAIT_MS = 6_000;

interface MetricsRequest {
  type: typeof REQUEST;
  id: number;
}
interface MetricsReply {
  type: typeof REPLY;
  id: number;
  body?: string;
  contentType?: string;
  error?: string;
}

const isRequest = (m: unknown): m is MetricsRequest => typeof m === 'object' && m !== null && (m as { type?: unknown }).type === REQUEST;
const isReply = (m: unknown): m is MetricsReply => typeof m === 'object' && m !== null && (m as { type?: unknown }).type === REPLY;

/** In the primary: answer workers' requests for every worker's metrics. */
export function serveClusterMetrics(log: Logger): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker: Worker, message: unknown) => {
    if (!isRequest(message)) return;
    const reply = (r: Omit<MetricsReply, 'type' | 'id'>) => {
      if (worker.isConnected()) worker.send({ type: REPLY, id: message.id, ...r } satisfies MetricsReply);
    };
    aggregator.clusterMetrics().then(
      (body) => reply({ body, contentType: aggregator.contentType }),
      (err: unknown) => {
        log.warn({ err }, 'cluster metrics not collected');
        reply({ error: err instanceof Error ? err.message : String(err) });
      },
    );
  });
}

/**
 * In a worker: make this worker's registry part of the primary's aggregation (prom-client keeps the list of registries
 * it reports per process; a worker runs one server) and return what GET /metrics serves: every worker's metrics.
 */
export function clusterExposition(registry: Registry): () => Promise<MetricsExposition> {
  AggregatorRegistry.setRegistries([registry]);
  // Constructing one installs prom-client's worker-side listener that answers the primary's collection requests.
  new AggregatorRegistry();
  let nextId = 0;
  const pending = new Map<number, (reply: MetricsReply) => void>();
  process.on('message', (message: unknown) => {
    if (isReply(message)) pending.get(message.id)?.(message);
  });
  return () =>
    new Promise<MetricsExposition>((resolve, reject) => {
      const id = (nextId += 1);
      const unavailable = (why: string) => new AppError('INTERNAL', `Metrics of all workers could not be collected: ${why}`);
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(unavailable('the primary process did not answer'));
      }, WORKER_WAIT_MS);
      pending.set(id, (reply) => {
        clearTimeout(timer);
        pending.delete(id);
        if (reply.body !== undefined && reply.contentType) resolve({ body: reply.body, contentType: reply.contentType });
        else reject(unavailable(reply.error ?? 'no answer'));
      });
      if (!process.send) {
        clearTimeout(timer);
        pending.delete(id);
        reject(unavailable('not a cluster worker'));
        return;
      }
      process.send({ type: REQUEST, id } satisfies MetricsRequest);
    });
}
