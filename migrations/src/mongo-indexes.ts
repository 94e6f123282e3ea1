import { MONGO_INDEXES } from '@btc/data';
import type { Connection } from 'mongoose';

/**
 * Creates every MongoDB index the data layer relies on (unique `user_id` on the cache, the log's
 * `{user_id, timestamp}`, staging cleanup). Idempotent: `createIndex` with the same name and keys is
 * a no-op. This is the only place indexes are made; connections run with `autoIndex: false`.
 */
export async function ensureMongoIndexes(conn: Connection): Promise<void> {
  const db = conn.db;
  if (!db) throw new Error('MongoDB connection is not open');
  for (const spec of MONGO_INDEXES) {
    await db
      .collection(spec.collection)
      .createIndex(spec.key, { name: spec.name, ...(spec.unique ? { unique: true } : {}) });
  }
}
