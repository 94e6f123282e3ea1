import mongoose, { type Connection, type mongo } from 'mongoose';
import { CacheDocumentTooLargeError } from './errors';
import { escapePayloadKeys, unescapePayloadKeys } from './payload-keys';
import { ticketCacheModel, type PassEntry, type SourceHashes, type TicketCacheDoc } from './ticket-cache.schema';

/** MongoDB's (and FerretDB's) maximum BSON document size. */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;
/** How many API envelopes `passesLog` / `passes4Log` keep (the most recent). */
export const API_LOG_KEEP = 10;

/** The BSON size of a value as MongoDB would store it. */
export function bsonSize(value: Record<string, unknown>): number {
  return mongoose.mongo.BSON.calculateObjectSize(value);
}

/**
 * `bytemark_tickets_cache`: one document per user, whose `_id` is the user id as a string (`user_id`
 * is kept too, under a unique index). Every query is scoped by `userId` and addressed by `_id`: FerretDB
 * v1 (SQLite) pushes down only an exact `_id` filter on a string or ObjectId, and decodes every document
 * of the collection for any other. Documents the original wrote with ObjectId `_id`s must be re-keyed
 * once before this service takes over (see README).
 */
export class TicketCacheRepository {
  private readonly collection: mongo.Collection<{ _id: string } & mongo.Document>;

  constructor(conn: Connection) {
    this.collection = ticketCacheModel(conn).collection as unknown as mongo.Collection<
      { _id: string } & mongo.Document
    >;
  }

  async findByUserId(f: { userId: number }): Promise<TicketCacheDoc | null> {
    const raw = await this.collection.findOne({ _id: cacheId(f.userId) }, { projection: { _id: 0 } });
    if (!raw) return null;
    const doc = unescapePayloadKeys(raw) as Partial<TicketCacheDoc>;
    return {
      user_id: f.userId,
      timestamp: Number(doc.timestamp ?? 0),
      passes: (doc.passes ?? []) as PassEntry[],
      passes4: (doc.passes4 ?? []) as PassEntry[],
      passesLog: doc.passesLog ?? [],
      passes4Log: doc.passes4Log ?? [],
      source_hashes: doc.source_hashes ?? null,
      refresh_id: doc.refresh_id ?? null,
      refresh_summary: doc.refresh_summary ?? null,
    };
  }

  /**
   * Upserts the user's whole document. Payload keys are escaped (see `payload-keys.ts`), the API logs
   * are trimmed to the last 10, and a document over 16 MB is refused with `CacheDocumentTooLargeError`
   * before anything is written (the previous document stays).
   */
  async replace(f: { userId: number }, doc: TicketCacheDoc): Promise<void> {
    if (doc.user_id !== f.userId) {
      throw new Error(`cache document for user ${doc.user_id} passed to replace() for user ${f.userId}`);
    }
    const stored: Record<string, unknown> = {
      user_id: f.userId,
      timestamp: doc.timestamp,
      passes: escapePayloadKeys(doc.passes, `user ${f.userId} passes`),
      passes4: escapePayloadKeys(doc.passes4, `user ${f.userId} passes4`),
      passesLog: escapePayloadKeys(doc.passesLog.slice(-API_LOG_KEEP), `user ${f.userId} passesLog`),
      passes4Log: escapePayloadKeys(doc.passes4Log.slice(-API_LOG_KEEP), `user ${f.userId} passes4Log`),
      source_hashes: doc.source_hashes ?? null,
      refresh_id: doc.refresh_id ?? null,
      refresh_summary: doc.refresh_summary ? escapePayloadKeys(doc.refresh_summary) : null,
    };
    const bytes = bsonSize(stored);
    if (bytes > MAX_DOCUMENT_BYTES) {
      throw new CacheDocumentTooLargeError(f.userId, bytes, MAX_DOCUMENT_BYTES, doc.passes.length + doc.passes4.length);
    }
    await this.collection.replaceOne({ _id: cacheId(f.userId) }, stored, { upsert: true });
  }

  /** Marks the cache fresh without rewriting it (an unchanged refresh): only `timestamp` and the refresh markers. */
  async touch(
    f: { userId: number },
    p: { timestamp: number; refreshId: string; refreshSummary: Record<string, unknown>; sourceHashes?: SourceHashes },
  ): Promise<void> {
    const set: Record<string, unknown> = {
      timestamp: p.timestamp,
      refresh_id: p.refreshId,
      refresh_summary: escapePayloadKeys(p.refreshSummary),
    };
    if (p.sourceHashes) set['source_hashes'] = p.sourceHashes;
    await this.collection.updateOne({ _id: cacheId(f.userId) }, { $set: set });
  }

  /** When the cache was last refreshed and the list hashes it was built from; null without a cache. */
  async refreshState(f: { userId: number }): Promise<{ timestamp: number; sourceHashes: SourceHashes } | null> {
    const row = await this.collection.findOne(
      { _id: cacheId(f.userId) },
      { projection: { _id: 0, timestamp: 1, source_hashes: 1 } },
    );
    if (!row) return null;
    const hashes = row['source_hashes'] as Partial<SourceHashes> | null | undefined;
    return {
      timestamp: Number(row['timestamp'] ?? 0),
      sourceHashes: { passes: hashes?.passes ?? null, passes4: hashes?.passes4 ?? null },
    };
  }

  /**
   * `user_id → timestamp` for the users that have a cache: one primary-key lookup per user, in
   * parallel (FerretDB v1 pushes down only an exact `_id` filter; `$in` would decode every document).
   */
  async timestamps(f: { userIds: number[] }): Promise<Map<number, number>> {
    const rows = await Promise.all(
      f.userIds.map((userId) =>
        this.collection.findOne({ _id: cacheId(userId) }, { projection: { _id: 0, timestamp: 1 } }),
      ),
    );
    const result = new Map<number, number>();
    rows.forEach((row, i) => row && result.set(f.userIds[i]!, Number(row['timestamp'])));
    return result;
  }

  async count(): Promise<number> {
    return this.collection.countDocuments({});
  }

  async deleteByUserId(f: { userId: number }): Promise<void> {
    await this.collection.deleteOne({ _id: cacheId(f.userId) });
  }
}

/** The cache document's `_id`: a string, so FerretDB v1 looks it up by primary key. */
export function cacheId(userId: number): string {
  return String(userId);
}
