import { loadConfigOrExit } from './config';
import { createLogger } from './logger';
import { start } from './server';

/** Entry point: config → database → listen → signals. Everything else lives in server.ts. */
const config = loadConfigOrExit();
const log = createLogger(config.LOG_LEVEL);

try {
  const server = await start(config, { log });
  const shutdown = (signal: string) => {
    log.info({ signal }, 'signal received');
    const hardExit = setTimeout(() => {
      log.error('graceful shutdown timed out');
      process.exit(1);
    }, 20_000);
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
  process.once('SIGINT', () => shutdown('SIGINT'));
} catch (err) {
  log.fatal({ err }, 'server failed to start');
  process.exit(1);
}
