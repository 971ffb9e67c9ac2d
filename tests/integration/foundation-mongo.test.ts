import { MongoClient, MongoServerError, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, uniqueDbName } from '../support/env';

describe('MongoDB-wire server of the test stack', () => {
  let client: MongoClient;
  let db: Db;

  beforeAll(async () => {
    client = new MongoClient(testEnv().mongoUri, { serverSelectionTimeoutMS: 5_000 });
    await client.connect();
    db = client.db(uniqueDbName());
  });

  afterAll(async () => {
    await db?.dropDatabase().catch(() => undefined);
    await client?.close();
  });

  it('when a document is inserted, then find returns it with its fields', async () => {
    const things = db.collection<{ name: string; n: number }>('things');
    const { insertedId } = await things.insertOne({ name: 'first', n: 1 });
    await things.insertOne({ name: 'second', n: 2 });

    const found = await things.findOne({ _id: insertedId });
    expect(found).toMatchObject({ name: 'first', n: 1 });
    const sorted = await things.find({}, { sort: { n: -1 } }).toArray();
    expect(sorted.map((doc) => doc.name)).toEqual(['second', 'first']);
  });

  it('when a unique index exists, then a duplicate insert is rejected with E11000 and not stored', async () => {
    const users = db.collection<{ email: string }>('users');
    await users.createIndex({ email: 1 }, { unique: true });
    await users.insertOne({ email: 'ada@example.test' });

    const duplicate = users.insertOne({ email: 'ada@example.test' });
    await expect(duplicate).rejects.toBeInstanceOf(MongoServerError);
    await expect(duplicate).rejects.toMatchObject({ code: 11000 });
    expect(await users.countDocuments({ email: 'ada@example.test' })).toBe(1);
  });
});
