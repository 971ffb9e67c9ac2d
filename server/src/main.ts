import cluster from 'node:cluster';
import { loadConfigOrExit } from './config';
import { createLogger, moduleLogger, type Logger } from './logger';
import { clusterExposition, serveClusterMetrics } from './metrics/cluster';
import { createMetrics } from './metrics/metrics';
import { start } from './server';

/**
 * Entry point: config → database → listen → signals. Everything else lives in server.ts.
 * With SERVER_WORKERS > 1 this process only supervises that many workers (node:cluster shares PORT between them);
 * each worker is a complete server instance, coordinated with the others through Redis like separate hosts.
 */
const config = loadConfigOrExit();
const log = createLogger(config.LOG_LEVEL);

/**
 * A worker that dies is replaced, after 1 s, doubling up to 30 s while workers keep dying within a minute of starting
 * (a worker that can't start, e.g. with the database down, must not spin).
 */
const RESTART_DELAY_MS = 1_000;
const MAX_RESTART_DELAY_MS = 30_000;
const STABLE_AFTER_MS = 60_000;
const SHUTDOWN_TIMEOUT_MS = 20_000;

function supervise(workers: number, log: Logger): void {
  let stopping = false;
  let failedStop = false;
  let delay = RESTART_DELAY_MS;
  const startedAt = new Map<number, number>();
  const fork = () => {
    const worker = cluster.fork();
    startedAt.set(worker.id, Date.now());
  };
  log.info({ workers }, 'starting workers');
  // A scrape reaches one worker; that worker asks here for the sum over all of them.
  serveClusterMetrics(moduleLogger(log, 'metrics'));
  for (let i = 0; i < workers; i++) fork();
  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker.id) ?? 0);
    startedAt.delete(worker.id);
    if (stopping) {
      // Killed by our SIGTERM before it had installed its handler (still starting) counts as stopped cleanly.
      if (code !== 0 && signal !== 'SIGTERM') failedStop = true;
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(failedStop ? 1 : 0);
      return;
    }
    delay = lived >= STABLE_AFTER_MS ? RESTART_DELAY_MS : Math.min(delay * 2, MAX_RESTART_DELAY_MS);
    log.error({ pid: worker.process.pid, code, signal, restartInMs: delay }, 'worker exited; replacing it');
    // Not unref'd: with every worker gone, this timer is what keeps the supervisor alive to restart them.
    setTimeout(() => {
      if (!stopping) fork();
    }, delay);
  });
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'signal received; stopping workers');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    setTimeout(() => {
      log.error('workers did not stop in time');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

async function serve(log: Logger): Promise<void> {
  try {
    const metrics = cluster.isWorker ? createMetrics({ log: moduleLogger(log, 'metrics') }) : undefined;
    const server = await start(config, {
      log,
      ...(metrics ? { metrics, metricsExposition: clusterExposition(metrics.registry) } : {}),
    });
    const shutdown = (signal: string) => {
      log.info({ signal }, 'signal received');
      const hardExit = setTimeout(() => {
        log.error('graceful shutdown timed out');
        process.exit(1);
      }, SHUTDOWN_TIMEOUT_MS);
      hardExit.unref();
      server.stop().then(
        () => process.exit(0),
        (err: unknown) => {
          log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    // Under a supervisor, Ctrl-C reaches every process of the group: the supervisor's SIGTERM does the stopping.
    process.once('SIGINT', () => (cluster.isWorker ? undefined : shutdown('SIGINT')));
  } catch (err) {
    log.fatal({ err }, 'server failed to start');
    process.exit(1);
  }
}

if (cluster.isPrimary && config.SERVER_WORKERS > 1) supervise(config.SERVER_WORKERS, log);
else await serve(cluster.isWorker ? log.child({ worker: cluster.worker?.id }) : log);
