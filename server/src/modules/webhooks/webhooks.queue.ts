import { Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from '../../logger';

/**
 * The delivery queue (BullMQ on REDIS_URL). One job per (webhook, event); a job retries with exponential backoff:
 * attempt n+1 waits `backoffBaseMs × 2^(n-1)` after attempt n fails (defaults: 1 min, 2 min, 4 min … 17 h; 12
 * attempts span about 34 h). A refused target fails at once without retries (`UnrecoverableError`). Jobs survive a
 * restart (they live in Redis) and any instance's worker may run them.
 */
export interface DeliveryJob {
  webhookId: string;
  eventId: string;
  /** A manual redelivery: one attempt, and its failure does not count toward the auto-disable. */
  manual: boolean;
}

export type DeliveryOutcome = 'delivered' | 'retry' | 'refused' | 'skipped';

export interface QueueOptions {
  redisUrl: string;
  /** Keys are prefixed with this (one deployment's database name), so test stacks sharing a Redis stay apart. */
  prefix: string;
  maxAttempts: number;
  backoffBaseMs: number;
  log: Logger;
  /** Runs one attempt; `final` says whether a failure now is the job's last. */
  process(job: DeliveryJob, attempt: { final: boolean }): Promise<DeliveryOutcome>;
}

export class RetryDelivery extends Error {}

export function redisConnection(url: string): ConnectionOptions {
  const u = new URL(url);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    // BullMQ's workers block on Redis; ioredis must not give up on their commands.
    maxRetriesPerRequest: null,
  };
}

export function createDeliveryQueue(opts: QueueOptions) {
  const name = 'webhook-deliveries';
  const connection = redisConnection(opts.redisUrl);
  const queue = new Queue<DeliveryJob>(name, { connection, prefix: opts.prefix });
  const worker = new Worker<DeliveryJob>(
    name,
    async (job: Job<DeliveryJob>) => {
      const final = job.data.manual || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const outcome = await opts.process(job.data, { final });
      if (outcome === 'retry') throw new RetryDelivery('delivery failed');
      if (outcome === 'refused') throw new UnrecoverableError('target refused');
      return outcome;
    },
    { connection, prefix: opts.prefix, concurrency: 8 },
  );
  worker.on('error', (err) => opts.log.warn({ err }, 'webhook worker error'));
  queue.on('error', (err) => opts.log.warn({ err }, 'webhook queue error'));

  return {
    async enqueue(job: DeliveryJob): Promise<void> {
      await queue.add('deliver', job, {
        attempts: job.manual ? 1 : opts.maxAttempts,
        backoff: { type: 'exponential', delay: opts.backoffBaseMs },
        removeOnComplete: true,
        removeOnFail: { age: 7 * 24 * 3600 },
      });
    },
    /** Jobs by state, for the metrics. */
    async counts(): Promise<Record<string, number>> {
      return queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
    },
    async close(): Promise<void> {
      // Closing a connection that is still starting up disconnects it, and BullMQ's fire-and-forget start-up commands
      // then reject with nobody listening ("Connection is closed.", an unhandled rejection). Let both finish starting
      // first, but never wait on an unreachable Redis for longer than a moment.
      const ready = Promise.allSettled([queue.waitUntilReady(), worker.waitUntilReady()]);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([ready, new Promise((resolve) => (timer = setTimeout(resolve, 2_000)))]);
      clearTimeout(timer);
      await worker.close();
      await queue.close();
    },
  };
}

export type DeliveryQueue = ReturnType<typeof createDeliveryQueue>;
