import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import { MongoDBStorage, Umzug } from 'umzug';
import type { Logger } from '../../logger';
import { isDuplicateKey } from '../errors';
import { messagesAsDocuments } from './001-messages-as-documents';
import { dropUserGuilds } from './002-drop-user-guilds';
import { addReactionsPermission } from './003-add-reactions-permission';
import { attachFilesPermission } from './004-attach-files-permission';
import { videoStreamPermissions } from './005-video-stream-permissions';
import { usernameSkeletons } from './006-username-skeletons';

/**
 * Schema migrations, run by umzug: each one once per database, in order, recorded by name in `migrations` (umzug's
 * MongoDB storage) — the database's schema version is the list of names there. They run at server start (before
 * any index is made or request served) and from the admin CLI (`npm run admin -- migrate`).
 *
 * Append new migrations to the end of this list; never reorder, rename or edit one that has shipped.
 */
export interface MigrationContext {
  db: Db;
  log: Logger;
}
export interface Migration {
  name: string;
  up(ctx: MigrationContext): Promise<void>;
}
export const MIGRATIONS: readonly Migration[] = [
  messagesAsDocuments,
  dropUserGuilds,
  addReactionsPermission,
  attachFilesPermission,
  videoStreamPermissions,
  usernameSkeletons,
];

interface LockDoc {
  _id: 'migrations';
  holder: string;
  at: Date;
}

/** A lock older than this belongs to a process that died while migrating; it may be taken over. */
export const STALE_LOCK_MS = 10 * 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Several server instances may start at once: one takes the lock (an insert with a fixed `_id`, atomic on MongoDB and
 * FerretDB alike) and migrates; the others wait for it to finish and then find nothing left to do.
 */
async function withMigrationLock<T>(db: Db, log: Logger, run: () => Promise<T>, waitMs: number): Promise<T> {
  const locks = db.collection<LockDoc>('migration_lock');
  const holder = randomUUID();
  const deadline = Date.now() + waitMs;
  let announced = false;
  for (;;) {
    try {
      await locks.insertOne({ _id: 'migrations', holder, at: new Date() });
      break;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const current = await locks.findOne({ _id: 'migrations' });
      if (current && Date.now() - current.at.getTime() > STALE_LOCK_MS) {
        log.warn({ since: current.at }, 'taking over a stale migration lock');
        await locks.deleteOne({ _id: 'migrations', holder: current.holder });
        continue;
      }
      if (Date.now() > deadline)
        throw new Error(`migrations are locked by another process since ${current?.at.toISOString() ?? '?'}; retry later`);
      if (!announced) log.info('another instance is migrating the database; waiting');
      announced = true;
      await sleep(500);
    }
  }
  try {
    return await run();
  } finally {
    await locks.deleteOne({ _id: 'migrations', holder });
  }
}

function migrator(db: Db, log: Logger, migrations: readonly Migration[]) {
  return new Umzug<MigrationContext>({
    migrations: migrations.map((m) => ({ name: m.name, up: ({ context }) => m.up(context) })),
    context: { db, log },
    storage: new MongoDBStorage({ collection: db.collection('migrations') }),
    logger: {
      info: (event) => log.info({ migration: event }, 'migration'),
      warn: (event) => log.warn({ migration: event }, 'migration'),
      error: (event) => log.error({ migration: event }, 'migration'),
      debug: () => undefined,
    },
  });
}

/** Runs every pending migration; returns the names it applied (empty when the database was up to date). */
export async function runMigrations(
  db: Db,
  log: Logger,
  options: { migrations?: readonly Migration[]; lockWaitMs?: number } = {},
): Promise<string[]> {
  const migrations = options.migrations ?? MIGRATIONS;
  return withMigrationLock(
    db,
    log,
    async () => {
      const applied = await migrator(db, log, migrations).up();
      return applied.map((m) => m.name);
    },
    options.lockWaitMs ?? STALE_LOCK_MS + 60_000,
  );
}

/** Names of the applied and the pending migrations (for the admin CLI). */
export async function migrationStatus(
  db: Db,
  log: Logger,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<{ applied: string[]; pending: string[] }> {
  const umzug = migrator(db, log, migrations);
  const [applied, pending] = await Promise.all([umzug.executed(), umzug.pending()]);
  return { applied: applied.map((m) => m.name), pending: pending.map((m) => m.name) };
}
