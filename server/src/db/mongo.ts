import { MongoClient, type Db } from 'mongodb';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { ensureMessageIndexes } from '../modules/messages/messages.repo';

export interface Database {
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

/**
 * Connect with short timeouts so a dead database shows up as a failed /health check, not a hung request.
 * No transactions, $lookup, change streams, TTL/partial/text indexes: the same code runs on MongoDB 7 and FerretDB 1.24.
 */
export async function connectDatabase(config: Config, log: Logger): Promise<Database> {
  const client = new MongoClient(config.MONGODB_URI, {
    serverSelectionTimeoutMS: 5_000,
    connectTimeoutMS: 5_000,
    maxPoolSize: 50,
    appName: 'parley-server',
  });
  await client.connect();
  const db = client.db(config.MONGODB_DB);
  log.info({ db: config.MONGODB_DB }, 'connected to MongoDB');
  return { client, db, close: () => client.close() };
}

/**
 * Core indexes, created at boot (idempotent). Modules owned by other engineers create theirs in `init()`.
 * Unique indexes carry the invariants we cannot get from transactions: one account per username, one membership per
 * (guild, user), one ban per (guild, user). Messages (see messages.repo.ts) are keyed by _id: FerretDB pushes down
 * nothing else.
 */
export async function ensureCoreIndexes(db: Db): Promise<void> {
  await Promise.all([
    db.collection('users').createIndex({ usernameLower: 1 }, { unique: true, name: 'username_unique' }),
    db.collection('refresh_tokens').createIndex({ tokenHash: 1 }, { unique: true, name: 'token_hash_unique' }),
    db.collection('refresh_tokens').createIndex({ familyId: 1 }, { name: 'family' }),
    db.collection('guilds').createIndex({ ownerId: 1 }, { name: 'owner' }),
    db.collection('members').createIndex({ guildId: 1, userId: 1 }, { unique: true, name: 'guild_user_unique' }),
    db.collection('members').createIndex({ userId: 1 }, { name: 'user' }),
    db.collection('user_guilds').createIndex({ guildIds: 1 }, { name: 'guild' }),
    db.collection('roles').createIndex({ guildId: 1, position: 1 }, { name: 'guild_position' }),
    db.collection('channels').createIndex({ guildId: 1, position: 1 }, { name: 'guild_position' }),
    db.collection('invites').createIndex({ code: 1 }, { unique: true, name: 'code_unique' }),
    db.collection('invites').createIndex({ guildId: 1 }, { name: 'guild' }),
    db.collection('bans').createIndex({ guildId: 1, userId: 1 }, { unique: true, name: 'guild_user_unique' }),
    db.collection('audit_log').createIndex({ guildId: 1, _id: -1 }, { name: 'guild_id' }),
    ensureMessageIndexes(db),
  ]);
}

/** MongoDB duplicate-key error (unique index violated). */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}
