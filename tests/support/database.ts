import { MongoClient, type Db, type MongoClientOptions } from 'mongodb';
import { afterAll, beforeAll } from 'vitest';
import { testEnv, uniqueDbName } from './env';

/**
 * A client on the test stack's MongoDB-wire server and a database of this file's own, for repository tests that talk
 * to the database directly: connects before the file's tests, drops the database and closes after them. `options` go
 * to the client (`monitorCommands` for a test that counts what its code sends).
 */
export function useTestDatabase(prefix: string, options?: MongoClientOptions): { client: MongoClient; db(): Db } {
  const client = new MongoClient(testEnv().mongoUri, options);
  const dbName = uniqueDbName(prefix);
  beforeAll(async () => {
    await client.connect();
  });
  afterAll(async () => {
    await client
      .db(dbName)
      .dropDatabase()
      .catch(() => undefined);
    await client.close();
  });
  return { client, db: () => client.db(dbName) };
}
