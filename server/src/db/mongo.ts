import { MongoClient, type Db } from 'mongodb';
import type { Config } from '../config';
import type { Logger } from '../logger';

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

// Transitional: repositories import it from ./errors; services still importing it from here move there next.
export { isDuplicateKey } from './errors';
