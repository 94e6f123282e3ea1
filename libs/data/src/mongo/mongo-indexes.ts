import { NOTIFICATION_LEDGER_COLLECTION } from '../cache/notification-ledger.schema';
import { STAGING_COLLECTION } from '../cache/staging.schema';
import { TICKET_CACHE_COLLECTION } from '../cache/ticket-cache.schema';
import { TICKET_LOG_COLLECTION } from '../cache/ticket-log.schema';

export interface MongoIndexSpec {
  collection: string;
  key: Record<string, 1 | -1>;
  name: string;
  unique?: boolean;
}

/** Every index the data layer relies on. Created by the migrations (`ensureMongoIndexes`), never by autoIndex. No TTL/partial indexes (FerretDB v1). */
export const MONGO_INDEXES: readonly MongoIndexSpec[] = [
  { collection: TICKET_CACHE_COLLECTION, key: { user_id: 1 }, name: 'user_id_unique', unique: true },
  { collection: TICKET_CACHE_COLLECTION, key: { timestamp: 1 }, name: 'timestamp' },
  { collection: TICKET_LOG_COLLECTION, key: { user_id: 1, timestamp: -1 }, name: 'user_id_timestamp' },
  { collection: STAGING_COLLECTION, key: { created_at: 1 }, name: 'created_at' },
  { collection: STAGING_COLLECTION, key: { key: 1, gen: 1, seq: 1 }, name: 'key_gen_seq' },
  { collection: NOTIFICATION_LEDGER_COLLECTION, key: { user_id: 1 }, name: 'user_id' },
];
