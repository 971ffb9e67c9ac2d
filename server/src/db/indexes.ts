import type { Db, IndexDescription } from 'mongodb';

/**
 * Creates the indexes a collection lacks, with ONE `createIndexes` command. Idempotent, and safe when several server
 * instances boot at once: specs that already exist are a no-op on MongoDB 7. Never several `createIndex` calls on one
 * collection in parallel: engines that build indexes under a lock (FerretDB on PostgreSQL) deadlock on that. Indexes
 * that exist are left out of the command because FerretDB 1.24 closes the connection (a panic) when one
 * `createIndexes` names several indexes that already exist.
 */
export async function ensureCollectionIndexes(db: Db, collection: string, indexes: IndexDescription[]): Promise<void> {
  const existing = async () =>
    new Set(
      (
        await db
          .collection(collection)
          .listIndexes()
          .toArray()
          .catch((err: unknown) => {
            if ((err as { codeName?: string }).codeName === 'NamespaceNotFound') return [];
            throw err;
          })
      ).map((index) => index.name as string),
    );
  const have = await existing();
  const missing = indexes.filter((index) => !index.name || !have.has(index.name));
  if (missing.length === 0) return;
  try {
    await db.collection(collection).createIndexes(missing);
  } catch (err) {
    // Another instance booting at the same moment may have made them between our list and our create: fine.
    const now = await existing();
    if (!missing.every((index) => index.name && now.has(index.name))) throw err;
  }
}
