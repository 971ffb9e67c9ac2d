import { MongoClient, type Db } from 'mongodb';
import type { Config } from '../config';
import type { Logger } from '../logger';

export interface Database {
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

/**
 * Every stage of an operation is bounded so a stalled database gives a fast error (503 DEPENDENCY_UNAVAILABLE, see
 * errors.ts), never a hung request: no server selectable (e.g. marked unknown after a failed handshake or heartbeat),
 * no pooled connection free, a new connection's TCP connect + handshake, and a reply on a connection — each fails
 * within 1.5 s, so a route whose first (or only) database call meets a stall answers within 2 s.
 *
 * Not `timeoutMS` (client-side operation timeout): since driver 7.8 it is deprecated and a no-op (it could
 * desynchronize pooled connections, NODE-7974); the driver's release notes point to these per-stage options instead.
 * Driver retries are off: a retried read would wait for a second socket timeout and miss the deadline, and on a
 * standalone server (FerretDB, the compose file's MongoDB) there is no other member to retry on. The client retries
 * the request after Retry-After instead. After a stall the pool recovers by itself: timed-out connections are
 * closed, a failed handshake clears the pool, and the monitor finds the server again as soon as an operation waits.
 *
 * `monitorCommands: true` makes the driver emit an event per command (the server's command latency metrics).
 *
 * `maintenance: true` is for work nobody is waiting on with a deadline — migrations, index builds and backfills at
 * boot, the admin CLI: it waits up to 30 s for the database to come up (a container starting next to it) and lets
 * one operation take as long as it needs.
 *
 * No transactions, $lookup, change streams, TTL/partial/text indexes: the same code runs on MongoDB 7 and FerretDB 1.24.
 */
export async function connectDatabase(
  config: Config,
  log: Logger,
  options: { maintenance?: boolean; monitorCommands?: boolean } = {},
): Promise<Database> {
  const bounds = options.maintenance
    ? { serverSelectionTimeoutMS: 30_000, connectTimeoutMS: 10_000, socketTimeoutMS: 0, maxPoolSize: 10 }
    : { serverSelectionTimeoutMS: 1_500, waitQueueTimeoutMS: 1_500, connectTimeoutMS: 1_000, socketTimeoutMS: 1_500, maxPoolSize: 50 };
  const client = new MongoClient(config.MONGODB_URI, {
    ...bounds,
    retryReads: false,
    retryWrites: false,
    appName: options.maintenance ? 'parley-maintenance' : 'parley-server',
    // Command events for the latency metrics (metrics/dependency-metrics.ts).
    monitorCommands: options.monitorCommands ?? false,
  });
  await client.connect();
  const db = client.db(config.MONGODB_DB);
  log.info({ db: config.MONGODB_DB, maintenance: options.maintenance ?? false }, 'connected to MongoDB');
  return { client, db, close: () => client.close() };
}
