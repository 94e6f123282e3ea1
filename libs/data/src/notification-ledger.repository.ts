import mongoose, { type Connection, type Model } from 'mongoose';
import { notificationLedgerModel, type NotificationLedgerDoc } from './notification-ledger.schema';

/** Records which notifications were sent, so a retried activity does not send twice. */
export class NotificationLedgerRepository {
  private readonly model: Model<NotificationLedgerDoc>;

  constructor(conn: Connection) {
    this.model = notificationLedgerModel(conn);
  }

  async wasSent(p: { key: string }): Promise<boolean> {
    return (await this.model.exists({ _id: p.key }).exec()) !== null;
  }

  /** Idempotent: recording the same key twice keeps the first record. */
  async recordSent(p: { key: string; userId: number; rowIds: number[] }): Promise<void> {
    try {
      await this.model.insertMany([{ _id: p.key, user_id: p.userId, row_ids: p.rowIds, sent_at: new Date() }], {
        lean: true,
      });
    } catch (error) {
      if (error instanceof mongoose.mongo.MongoServerError && error.code === 11000) return;
      throw error;
    }
  }
}
