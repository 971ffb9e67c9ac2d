import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll } from 'vitest';
import { testEnv, uniqueDbName } from './env';

/**
 * A client on the test stack's MongoDB-wire server and a database of this file's own, for repository tests that talk
 * to the database directly: connects before the file's tests, drops the database and closes after them.
 */
export function useTestDatabase(prefix: string): { client: MongoClient; db(): Db } {
  const client = new MongoClient(testEnv().mongoUri);
  const dbName = uniqueDbName(prefix);
  beforeAll(async () => {
    await client.connect();
  });
  afterAll(async () => {
    await client.db(dbName).dropDatabase().catch(() => undefined);
    await client.close();
  });
  return { client, db: () => client.db(dbName) };
}
