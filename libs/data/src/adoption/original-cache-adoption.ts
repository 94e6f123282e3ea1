import mongoose, { type Connection } from 'mongoose';
import {
  isChanged,
  normaliseCacheDocument,
  timestampOf,
  toUserId,
  type Fields,
  type NormalisedCacheDocument,
} from './original-cache-document';
import { CacheIndexRebuildError, LegacyCacheAdoptionConflictError, LegacyCacheBackupInUseError } from '../errors';
import { isDuplicateKeyError } from '../mongo/mongo-errors';
import { MONGO_INDEXES } from '../mongo/mongo-indexes';
import { cacheId } from '../cache/ticket-cache.repository';
import { TICKET_CACHE_COLLECTION } from '../cache/ticket-cache.schema';
import type { TicketCacheStateRepository } from '../cache/ticket-cache-state.repository';

/** Where `adopt-legacy` keeps a verbatim copy (same `_id`) of every cache document it replaced or removed. */
export const ORIGINAL_CACHE_BACKUP_COLLECTION = 'bytemark_tickets_cache_legacy_backup';
/** The refresh state an adopted user gets (`outcome`, `refresh_trigger`, `run_ref`): shown by `cli status`. */
export const ADOPTED_OUTCOME = 'adopted';
export const ADOPTED_TRIGGER = 'adopt-legacy';

const MAX_ATTEMPTS = 3;
const USER_ID_INDEX = MONGO_INDEXES.find((i) => i.collection === TICKET_CACHE_COLLECTION && i.unique === true)!;

/** What an `_id` can be here: the original's ObjectIds, our strings (anything else is kept as found). */
type StoredId = mongoose.mongo.ObjectId | string | number;
/** A stored document of any shape: the original's have an ObjectId `_id`, ours a string. */
interface RawDoc {
  _id: StoredId;
  [field: string]: unknown;
}
type RawCollection = mongoose.mongo.Collection<RawDoc>;

function describeId(id: unknown): string {
  return id instanceof mongoose.mongo.ObjectId ? `ObjectId(${id.toHexString()})` : (JSON.stringify(id) ?? String(id));
}

export interface OriginalCacheAdoptionReport {
  execute: boolean;
  documentsSeen: number;
  /** Documents under an `_id` other than `String(user_id)` (the original's ObjectIds) when the run started. */
  originalDocuments: number;
  users: number;
  /** Users whose document of the original now lives under `_id: String(user_id)` (or would). */
  rekeyed: number;
  /** Further documents of a user removed (older duplicates, or an original's beside our own newer document). */
  duplicatesRemoved: number;
  /** Documents already under our `_id` but written by the original (after a rollback) that were normalised in place. */
  normalisedInPlace: number;
  timestampsNormalised: { documents: number; passEntries: number };
  hashesRewritten: number;
  stateRowsWritten: number;
  backedUp: number;
  skipped: { alreadyAdopted: number; ours: number; invalid: number };
  /** `_id`s of documents without a usable `user_id` (left as they are), the first 20. */
  invalidIds: string[];
  failed: Array<{ userId: number; message: string }>;
  /** The run re-keyed, so the unique `user_id` index was absent during it (dropped now or by an interrupted run). */
  indexDropped: boolean;
  /** The unique `user_id` index exists at the end of the run (dry run: exists now). */
  indexPresent: boolean;
  durationMs: number;
}

export interface OriginalCacheAdoptionOptions {
  /** False (default): read everything, count what would change, write nothing. */
  execute?: boolean;
  /** Users adopted at once (default 8). */
  concurrency?: number;
  /** Called after each user with the counts so far. */
  onProgress?: (done: number, users: number, report: OriginalCacheAdoptionReport) => void;
}

interface UserDocs {
  userId: number;
  /** The document under `_id: String(userId)`, if any, with its `version` (undefined: written by the original). */
  ours: { version: unknown } | null;
  /** Every other document of the user: their `_id`s. */
  originalIds: StoredId[];
}

/**
 * `cache adopt-legacy`: makes the original platform's cache documents this service's, in place.
 *
 * Per user, in an order that leaves the user a document at every instant: (1) copy each document
 * about to be replaced or removed into the backup collection, verbatim (same `_id`; a copy already
 * there is kept); (2) write the normalised document under `_id: String(user_id)`; (3) delete the
 * original document, only if unchanged since read (same `timestamp`); (4) write the user's refresh
 * state (cache version 0, the list hashes of the stored passes, `refreshed_at` = the document's
 * timestamp), so that the first refresh of an unchanged user only touches `timestamp`. Between (2)
 * and (3) a user has two documents, which the unique `user_id` index forbids: it is dropped for the
 * run and rebuilt at the end. A run killed anywhere is finished by the next one: a user with both
 * documents keeps the newer one (ours on a tie) and loses the other, a user without a state row
 * gets one, and the index is rebuilt once no user has two documents.
 *
 * Documents of the original have an ObjectId `_id` and fields this service does not know, which the
 * typed model (String `_id`) cannot address: they are read and written with the driver.
 */
export class OriginalCacheAdoption {
  private readonly cache: RawCollection;
  private readonly backup: RawCollection;
  private readonly now: () => number;

  constructor(private readonly deps: { mongo: Connection; states: TicketCacheStateRepository; now?: () => number }) {
    const db = deps.mongo.db;
    if (!db) throw new Error('MongoDB connection is not open');
    this.cache = db.collection<RawDoc>(TICKET_CACHE_COLLECTION);
    this.backup = db.collection<RawDoc>(ORIGINAL_CACHE_BACKUP_COLLECTION);
    this.now = deps.now ?? (() => Math.floor(Date.now() / 1000));
  }

  async run(options: OriginalCacheAdoptionOptions = {}): Promise<OriginalCacheAdoptionReport> {
    const started = Date.now();
    const execute = options.execute === true;
    const report: OriginalCacheAdoptionReport = {
      execute,
      documentsSeen: 0,
      originalDocuments: 0,
      users: 0,
      rekeyed: 0,
      duplicatesRemoved: 0,
      normalisedInPlace: 0,
      timestampsNormalised: { documents: 0, passEntries: 0 },
      hashesRewritten: 0,
      stateRowsWritten: 0,
      backedUp: 0,
      skipped: { alreadyAdopted: 0, ours: 0, invalid: 0 },
      invalidIds: [],
      failed: [],
      indexDropped: false,
      indexPresent: false,
      durationMs: 0,
    };
    const users = await this.scan(report);
    report.users = users.length;
    if (users.some((u) => u.originalIds.length > 0)) {
      if (execute) await this.dropUserIdIndexes();
      report.indexDropped = true;
    }

    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < users.length) {
        const user = users[next++]!;
        try {
          await this.adoptUser(user, execute, report);
        } catch (error) {
          report.failed.push({ userId: user.userId, message: error instanceof Error ? error.message : String(error) });
        }
        done += 1;
        options.onProgress?.(done, users.length, report);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 8) }, worker));

    if (execute && report.failed.length === 0) await this.ensureUserIdIndex();
    report.indexPresent = (await this.userIdIndexNames()).length > 0;
    report.durationMs = Date.now() - started;
    return report;
  }

  /** How many documents the backup holds, and how many cache documents still wait for adoption. */
  async backupStatus(): Promise<{ backupDocuments: number; originalDocumentsLeft: number }> {
    const report = { documentsSeen: 0, originalDocuments: 0, skipped: { invalid: 0 }, invalidIds: [] as string[] };
    await this.scan(report);
    return { backupDocuments: await this.backup.countDocuments({}), originalDocumentsLeft: report.originalDocuments };
  }

  /**
   * Drops the backup collection (with `execute`); refuses while a document of the original is
   * still waiting for adoption, since the backup may hold the only copy of a half-adopted user's.
   */
  async dropBackup(options: { execute?: boolean } = {}): Promise<{ backupDocuments: number; dropped: boolean }> {
    const status = await this.backupStatus();
    if (status.originalDocumentsLeft > 0) throw new LegacyCacheBackupInUseError(status.originalDocumentsLeft);
    if (!options.execute || status.backupDocuments === 0)
      return { backupDocuments: status.backupDocuments, dropped: false };
    await this.backup.drop().catch((error: unknown) => {
      if (!(error instanceof mongoose.mongo.MongoServerError && error.codeName === 'NamespaceNotFound')) throw error;
    });
    return { backupDocuments: status.backupDocuments, dropped: true };
  }

  /** One pass over the collection (`_id`, `user_id`, `version` only), grouped by user. */
  private async scan(
    report: Pick<OriginalCacheAdoptionReport, 'documentsSeen' | 'originalDocuments' | 'invalidIds'> & {
      skipped: { invalid: number };
    },
  ): Promise<UserDocs[]> {
    const byUser = new Map<number, UserDocs>();
    const cursor = this.cache.find({}, { projection: { _id: 1, user_id: 1, version: 1 } });
    for await (const doc of cursor) {
      report.documentsSeen += 1;
      const userId = toUserId(doc['user_id']);
      if (userId === null) {
        report.skipped.invalid += 1;
        if (report.invalidIds.length < 20) report.invalidIds.push(describeId(doc._id));
        continue;
      }
      const user = byUser.get(userId) ?? { userId, ours: null, originalIds: [] };
      byUser.set(userId, user);
      if (doc._id === cacheId(userId)) user.ours = { version: doc['version'] };
      else {
        user.originalIds.push(doc._id);
        report.originalDocuments += 1;
      }
    }
    return [...byUser.values()].sort((a, b) => a.userId - b.userId);
  }

  private async adoptUser(user: UserDocs, execute: boolean, report: OriginalCacheAdoptionReport): Promise<void> {
    const { userId } = user;
    const ourId = cacheId(userId);
    if (user.originalIds.length === 0 && typeof user.ours?.version === 'number') {
      report.skipped.ours += 1; // written by this service: its refreshes keep the state
      return;
    }
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const ours = await this.cache.findOne({ _id: ourId });
      const originals = (await Promise.all(user.originalIds.map((_id) => this.cache.findOne({ _id })))).filter(
        (d): d is mongoose.mongo.WithId<RawDoc> => d !== null,
      );
      let backedUp = 0;
      /** Backs up and deletes each document, if unchanged since read; false if one changed (read again). */
      const remove = async (docs: RawDoc[]): Promise<boolean> => {
        for (const doc of docs) {
          if (await this.backUp(doc, execute)) backedUp += 1;
          if (!execute) continue;
          const deleted = await this.cache.deleteOne({ _id: doc._id, timestamp: doc['timestamp'] ?? null });
          if (deleted.deletedCount === 0 && (await this.cache.countDocuments({ _id: doc._id })) > 0) return false;
        }
        return true;
      };

      if (ours && typeof ours['version'] === 'number') {
        // This service's document (written while the index was down) is newer than the original's beside it.
        if (!(await remove(originals))) continue;
        report.backedUp += backedUp;
        report.duplicatesRemoved += originals.length;
        report.skipped.ours += 1;
        return;
      }
      if (!ours && originals.length === 0) return; // deleted by someone else meanwhile: nothing to adopt

      // The newest document wins; ours on a tie (a re-key interrupted after its insert finds its copy).
      const keeper = [...(ours ? [ours] : []), ...originals].reduce((best, d) =>
        timestampOf(d) > timestampOf(best) ? d : best,
      );
      const normalised = normaliseCacheDocument(keeper, userId);
      const rewrite = keeper !== ours || isChanged(normalised);
      if (rewrite) {
        // (A dry run counts the keeper's backup with the other documents of the original, below.)
        if (execute && keeper !== ours && (await this.backUp(keeper, true))) backedUp += 1;
        if (ours && (await this.backUp(ours, execute))) backedUp += 1;
      }
      if (execute && rewrite) {
        if (ours) {
          const replaced = await this.cache.replaceOne(
            { _id: ourId, version: { $exists: false }, timestamp: ours['timestamp'] ?? null },
            normalised.fields,
          );
          if (replaced.matchedCount === 0) continue;
        } else if (!(await this.insert(ourId, normalised.fields))) continue;
      }
      // Every document of the original is now under our `_id` (the keeper's content) or older than it.
      if (!(await remove(originals))) continue;

      report.backedUp += backedUp;
      if (originals.length > 0) {
        report.rekeyed += 1;
        report.duplicatesRemoved += originals.length - 1 + (ours && keeper !== ours ? 1 : 0);
      } else if (rewrite) report.normalisedInPlace += 1;
      if (rewrite) {
        report.timestampsNormalised.documents += normalised.documentTimestampNormalised ? 1 : 0;
        report.timestampsNormalised.passEntries += normalised.entryTimestampsNormalised;
        report.hashesRewritten += normalised.hashesRewritten;
      }
      const stateWritten = await this.recordState(userId, normalised, execute);
      if (stateWritten) report.stateRowsWritten += 1;
      if (!rewrite && !stateWritten && originals.length === 0) report.skipped.alreadyAdopted += 1;
      return;
    }
    throw new LegacyCacheAdoptionConflictError(userId, MAX_ATTEMPTS);
  }

  /** Writes the user's refresh state for version 0 unless it already describes the document; true if written (or would be). */
  private async recordState(userId: number, doc: NormalisedCacheDocument, execute: boolean): Promise<boolean> {
    const state = await this.deps.states.find(userId);
    if (
      state?.cacheVersion === 0 &&
      state.listHashes.passes === doc.listHashes.passes &&
      state.listHashes.passes4 === doc.listHashes.passes4 &&
      state.passCount === doc.passCount
    ) {
      return false;
    }
    if (execute) {
      await this.deps.states.record({
        userId,
        refreshedAt: doc.timestamp > 0 ? doc.timestamp : null,
        checkedAt: this.now(),
        cacheVersion: 0,
        listHashes: doc.listHashes,
        passCount: doc.passCount,
        outcome: ADOPTED_OUTCOME,
        trigger: ADOPTED_TRIGGER,
        runRef: ADOPTED_TRIGGER,
      });
    }
    return true;
  }

  /** Inserts under our `_id`; false if a document is already there (written meanwhile: read again). */
  private async insert(ourId: string, fields: Fields): Promise<boolean> {
    try {
      await this.cache.insertOne({ _id: ourId, ...fields });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  /**
   * Copies a document into the backup, verbatim; a copy already there (an earlier run's) is kept.
   * True if copied now (dry run: if it would be).
   */
  private async backUp(doc: RawDoc, execute: boolean): Promise<boolean> {
    if (!execute) return (await this.backup.countDocuments({ _id: doc._id })) === 0;
    try {
      await this.backup.insertOne({ ...doc });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  private async userIdIndexNames(): Promise<string[]> {
    const indexes = await this.cache
      .listIndexes()
      .toArray()
      .catch((error: unknown) => {
        if (error instanceof mongoose.mongo.MongoServerError && error.codeName === 'NamespaceNotFound') return [];
        throw error;
      });
    return indexes
      .filter((i) => i['unique'] === true && JSON.stringify(i['key']) === JSON.stringify({ user_id: 1 }))
      .map((i) => String(i['name']));
  }

  private async dropUserIdIndexes(): Promise<void> {
    for (const name of await this.userIdIndexNames()) await this.cache.dropIndex(name);
  }

  /** Rebuilds the unique `user_id` index (the migrations' spec) if it is missing. */
  private async ensureUserIdIndex(): Promise<void> {
    if ((await this.userIdIndexNames()).length > 0) return;
    try {
      await this.cache.createIndex(USER_ID_INDEX.key, { name: USER_ID_INDEX.name, unique: true });
    } catch (error) {
      throw new CacheIndexRebuildError(USER_ID_INDEX.name, { cause: error });
    }
  }
}
