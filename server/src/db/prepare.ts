import type { Config } from '../config';
import { moduleLogger, type Logger } from '../logger';
import { runMigrations } from './migrations/index';
import { connectDatabase } from './mongo';
import { createRepos, ensureRepoIndexes } from './repos';

/**
 * Boot-time database work, before a server instance serves anything: pending migrations (they may reshape collections
 * the indexes are made for), then every core repository's indexes. On its own maintenance
 * connection, closed afterwards: an index build or a migration batch on a large database may take longer than the
 * serving connection's per-operation bound, and the database may still be starting.
 */
export async function prepareDatabase(config: Config, log: Logger): Promise<void> {
  const maintenance = await connectDatabase(config, log, { maintenance: true });
  try {
    const migrated = await runMigrations(maintenance.db, moduleLogger(log, 'migrations'));
    if (migrated.length) log.info({ migrations: migrated }, 'database migrated');
    await ensureRepoIndexes(createRepos(maintenance.db));
  } finally {
    await maintenance.close();
  }
}
