import mongoose, { type Connection, type Model } from 'mongoose';
import { CacheDocumentTooLargeError, LegacyCacheDocumentError } from '../errors';
import { isDuplicateKeyError } from '../mongo/mongo-errors';
import { escapePayloadKeys, unescapePayloadKeys } from './payload-keys';
import {
  ticketCacheModel,
  type PendingEffects,
  type StoredTicketCache,
  type TicketCacheDoc,
} from './ticket-cache.schema';

/** MongoDB's (and FerretDB's) maximum BSON document size. */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;
/** How many API envelopes `passesLog` / `passes4Log` keep (the most recent). */
export const API_LOG_KEEP = 10;

/** The BSON size of a value as MongoDB would store it. */
export function bsonSize(value: Record<string, unknown>): number {
  return mongoose.mongo.BSON.calculateObjectSize(value);
}

/** A cache document's user and when it was last written (unix seconds). */
export interface CacheTimestamp {
  userId: number;
  timestamp: number;
}

/** The cache document's `_id`: a string, so FerretDB v1 looks it up by primary key. */
export function cacheId(userId: number): string {
  return String(userId);
}

/**
 * `bytemark_tickets_cache`: one document per user, whose `_id` is the user id as a string (`user_id`
 * is kept too, under a unique index). Every query is scoped by `userId` and addressed by `_id`: FerretDB
 * v1 (SQLite) pushes down only an exact `_id` filter on a string or ObjectId, and decodes every document
 * of the collection for any other.
 *
 * Every write is a compare-and-set on `version`, which each content change increments: a writer that
 * read an older version (a retry that outlived its heartbeat, a concurrent refresh of the same user)
 * changes nothing and is told so.
 */
export class TicketCacheRepository {
  private readonly model: Model<StoredTicketCache>;

  constructor(conn: Connection) {
    this.model = ticketCacheModel(conn);
  }

  async findByUserId(f: { userId: number }): Promise<TicketCacheDoc | null> {
    const stored = await this.model.findById(cacheId(f.userId)).lean<StoredTicketCache>().exec();
    if (!stored) return null;
    const doc = unescapePayloadKeys(stored) as StoredTicketCache;
    return {
      user_id: f.userId,
      timestamp: Number(doc.timestamp ?? 0),
      passes: doc.passes ?? [],
      passes4: doc.passes4 ?? [],
      passesLog: doc.passesLog ?? [],
      passes4Log: doc.passes4Log ?? [],
      version: doc.version ?? 0,
      refresh_id: doc.refresh_id ?? null,
      lists_fetched_at_us: doc.lists_fetched_at_us ?? null,
      refresh_summary: doc.refresh_summary ?? null,
      pending: doc.pending ?? null,
      announced_free: doc.announced_free ?? [],
    };
  }

  /**
   * Writes the user's document if the stored one is still at `expectedVersion` (null: there is none);
   * returns false when another writer changed it first. Payload keys are escaped, the API logs are
   * trimmed to the last 10, and a document over 16 MB is refused with `CacheDocumentTooLargeError`
   * before anything is written. Fields this service does not know (the original's) are kept.
   */
  async commit(f: { userId: number }, doc: TicketCacheDoc, cas: { expectedVersion: number | null }): Promise<boolean> {
    if (doc.user_id !== f.userId) {
      throw new Error(`cache document for user ${doc.user_id} passed to commit() for user ${f.userId}`);
    }
    const { pending, ...fields } = this.storedFields(doc);
    // No pending effects: the field is absent (not null), which is what `touch` requires.
    if (cas.expectedVersion === null) return this.insert(f.userId, pending === null ? fields : { ...fields, pending });
    const update = pending === null ? { $set: fields, $unset: { pending: 1 } } : { $set: { ...fields, pending } };
    const result = await this.model.updateOne(this.at(f.userId, cas.expectedVersion), update).exec();
    return result.matchedCount === 1;
  }

  /**
   * Marks an unchanged cache fresh, the one write of an unchanged refresh: sets `timestamp` if the
   * document is still at `expectedVersion` with no pending effects. False: look at the document.
   */
  async touch(f: { userId: number }, p: { timestamp: number; expectedVersion: number }): Promise<boolean> {
    const filter = { ...this.at(f.userId, p.expectedVersion), pending: { $exists: false } };
    const result = await this.model.updateOne(filter, { $set: { timestamp: p.timestamp } }).exec();
    return result.matchedCount === 1;
  }

  /** Removes the pending effects of `refreshId` once they are written (a newer commit's are left alone). */
  async clearPending(f: { userId: number }, p: { refreshId: string }): Promise<void> {
    await this.model.updateOne({ _id: cacheId(f.userId), refresh_id: p.refreshId }, { $unset: { pending: 1 } }).exec();
  }

  /** Whether the user has a cache document. */
  async exists(f: { userId: number }): Promise<boolean> {
    return (await this.model.exists({ _id: cacheId(f.userId) }).exec()) !== null;
  }

  async count(): Promise<number> {
    return this.model.countDocuments({}).exec();
  }

  /** Removes the user's document (a purge); whether there was one. */
  async deleteByUserId(f: { userId: number }): Promise<boolean> {
    return (await this.model.deleteOne({ _id: cacheId(f.userId) }).exec()).deletedCount > 0;
  }

  /**
   * Every document's user and `timestamp`, a page at a time, in the collection's order: an operator's
   * scan (orphaned caches), which FerretDB v1 answers by reading the whole collection. A document of
   * the original platform (ObjectId `_id`, not yet re-keyed by `cache adopt-legacy`) is counted, not listed.
   */
  async *scanTimestamps(batchSize = 1000): AsyncGenerator<{ caches: CacheTimestamp[]; unadopted: number }> {
    const cursor = this.model
      .find({}, { user_id: 1, timestamp: 1 })
      .lean<Array<{ _id: unknown; user_id?: unknown; timestamp?: unknown }>>()
      .cursor({ batchSize });
    let page: CacheTimestamp[] = [];
    let unadopted = 0;
    for await (const doc of cursor) {
      if (typeof doc._id !== 'string' || doc._id !== cacheId(Number(doc.user_id))) unadopted++;
      else page.push({ userId: Number(doc.user_id), timestamp: Number(doc.timestamp ?? 0) });
      if (page.length + unadopted >= batchSize) {
        yield { caches: page, unadopted };
        page = [];
        unadopted = 0;
      }
    }
    if (page.length + unadopted > 0) yield { caches: page, unadopted };
  }

  /** Removes the user's document only if its `timestamp` is still `timestamp` (no refresh wrote it since it was read). */
  async deleteIfUntouched(f: { userId: number }, p: { timestamp: number }): Promise<boolean> {
    return (await this.model.deleteOne({ _id: cacheId(f.userId), timestamp: p.timestamp }).exec()).deletedCount > 0;
  }

  /** A document without `version` was written by the original platform: it counts as version 0. */
  private at(userId: number, version: number) {
    return { _id: cacheId(userId), version: version === 0 ? { $exists: false } : version };
  }

  private async insert(userId: number, fields: Omit<StoredTicketCache, '_id'>): Promise<boolean> {
    try {
      await this.model.insertMany([{ _id: cacheId(userId), ...fields }], { lean: true });
      return true;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      // Our own `_id` taken: another writer inserted first. Otherwise the unique `user_id` index refused
      // it: a document of the original platform, under an ObjectId `_id`, that was never re-keyed.
      if (await this.model.exists({ _id: cacheId(userId) }).exec()) return false;
      throw new LegacyCacheDocumentError(userId);
    }
  }

  private storedFields(
    doc: TicketCacheDoc,
  ): Omit<StoredTicketCache, '_id' | 'pending'> & { pending: PendingEffects | null } {
    const label = `user ${doc.user_id}`;
    const stored = {
      user_id: doc.user_id,
      timestamp: doc.timestamp,
      passes: escapePayloadKeys(doc.passes, `${label} passes`) as StoredTicketCache['passes'],
      passes4: escapePayloadKeys(doc.passes4, `${label} passes4`) as StoredTicketCache['passes4'],
      passesLog: escapePayloadKeys(doc.passesLog.slice(-API_LOG_KEEP), `${label} passesLog`) as unknown[],
      passes4Log: escapePayloadKeys(doc.passes4Log.slice(-API_LOG_KEEP), `${label} passes4Log`) as unknown[],
      version: doc.version,
      refresh_id: doc.refresh_id,
      ...(doc.lists_fetched_at_us != null ? { lists_fetched_at_us: doc.lists_fetched_at_us } : {}),
      refresh_summary: doc.refresh_summary,
      pending: doc.pending,
      announced_free: doc.announced_free,
    };
    const bytes = bsonSize(stored);
    if (bytes > MAX_DOCUMENT_BYTES) {
      throw new CacheDocumentTooLargeError(
        doc.user_id,
        bytes,
        MAX_DOCUMENT_BYTES,
        doc.passes.length + doc.passes4.length,
      );
    }
    return stored;
  }
}
