import mongoose, { type Connection, type mongo } from 'mongoose';
import { notificationLedgerModel, type NotificationLedgerDoc } from './notification-ledger.schema';

/** Records which notifications were sent, so a retried activity does not send twice. */
export class NotificationLedgerRepository {
  private readonly collection: mongo.Collection<NotificationLedgerDoc>;

  constructor(conn: Connection) {
    this.collection = notificationLedgerModel(conn).collection as unknown as mongo.Collection<NotificationLedgerDoc>;
  }

  async wasSent(p: { key: string }): Promise<boolean> {
    return (await this.collection.findOne({ _id: p.key }, { projection: { _id: 1 } })) !== null;
  }

  /** Idempotent: recording the same key twice keeps the first record. */
  async recordSent(p: { key: string; userId: number; rowIds: number[] }): Promise<void> {
    try {
      await this.collection.insertOne({ _id: p.key, user_id: p.userId, row_ids: p.rowIds, sent_at: new Date() });
    } catch (error) {
      if (error instanceof mongoose.mongo.MongoServerError && error.code === 11000) return;
      throw error;
    }
  }
}
