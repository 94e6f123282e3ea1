import mongoose, { type Connection, type Model } from 'mongoose';
import { DUPLICATE_KEY, isDuplicateKeyError } from '../mongo/mongo-errors';
import { escapePayloadKeys, unescapePayloadKeys } from './payload-keys';
import { ticketLogModel, type StoredTicketLogEntry } from './ticket-log.schema';

/** `bytemark_tickets_log`: the audit trail, one document per pass change, `_id` = change id. */
export class TicketLogRepository {
  private readonly model: Model<StoredTicketLogEntry>;

  constructor(conn: Connection) {
    this.model = ticketLogModel(conn);
  }

  /**
   * Inserts the entries unordered; an entry whose `_id` is already stored (a retried write) is
   * counted in `alreadyPresent`, not an error. Any other write error is rethrown.
   */
  async insertMany(
    f: { userId: number },
    entries: StoredTicketLogEntry[],
  ): Promise<{ inserted: number; alreadyPresent: number }> {
    if (entries.length === 0) return { inserted: 0, alreadyPresent: 0 };
    const docs = entries.map((e) => {
      if (e.user_id !== f.userId) throw new Error(`log entry ${e._id} is for user ${e.user_id}, not ${f.userId}`);
      return escapePayloadKeys(e, `log entry ${e._id}`) as StoredTicketLogEntry;
    });
    try {
      const result = await this.model.bulkWrite(
        docs.map((document) => ({ insertOne: { document } })),
        { ordered: false },
      );
      return { inserted: result.insertedCount, alreadyPresent: 0 };
    } catch (error) {
      if (!(error instanceof mongoose.mongo.MongoBulkWriteError)) {
        if (isDuplicateKeyError(error) && docs.length === 1) {
          return { inserted: 0, alreadyPresent: 1 };
        }
        throw error;
      }
      const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
      if (writeErrors.some((w) => w.code !== DUPLICATE_KEY)) throw error;
      return { inserted: error.insertedCount, alreadyPresent: writeErrors.length };
    }
  }

  /** The user's entries, newest first (default limit 1000). */
  async findByUserId(f: { userId: number; limit?: number }): Promise<StoredTicketLogEntry[]> {
    const rows = await this.model
      .find({ user_id: f.userId })
      .sort({ timestamp: -1, _id: 1 })
      .limit(f.limit ?? 1000)
      .lean<StoredTicketLogEntry[]>()
      .exec();
    return rows.map((r) => unescapePayloadKeys(r) as StoredTicketLogEntry);
  }

  async countByUserId(f: { userId: number }): Promise<number> {
    return this.model.countDocuments({ user_id: f.userId }).exec();
  }

  /** Removes a user's audit trail (user deletion). */
  async deleteByUserId(f: { userId: number }): Promise<number> {
    const result = await this.model.deleteMany({ user_id: f.userId }).exec();
    return result.deletedCount;
  }
}
