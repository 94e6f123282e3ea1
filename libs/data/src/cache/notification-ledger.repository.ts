import type { Connection, Model } from 'mongoose';
import { isDuplicateKeyError } from '../mongo/mongo-errors';
import { notificationLedgerModel, type NotificationLedgerDoc } from './notification-ledger.schema';

/** What the ledger knows of one notification. */
export type LedgerEntry =
  | { state: 'sent' }
  /** POSTed `attempts` times without a confirmation: each may have been delivered. */
  | { state: 'unconfirmed'; attempts: number; lastAttemptAt: Date };

/**
 * Records each notification's sends, so that neither a retried activity nor a slow endpoint makes
 * a rider get the same push twice: an attempt is recorded before its POST, a 2xx after it.
 */
export class NotificationLedgerRepository {
  private readonly model: Model<NotificationLedgerDoc>;

  constructor(conn: Connection) {
    this.model = notificationLedgerModel(conn);
  }

  async find(p: { key: string }): Promise<LedgerEntry | null> {
    const doc = await this.model.findById(p.key).lean<NotificationLedgerDoc>().exec();
    if (!doc) return null;
    if (doc.state === undefined || doc.state === 'sent') return { state: 'sent' };
    return { state: 'unconfirmed', attempts: doc.attempts ?? 1, lastAttemptAt: doc.last_attempt_at ?? new Date(0) };
  }

  /** Records that a POST is about to go: one more attempt whose outcome is not known yet. */
  async recordAttempt(p: { key: string; userId: number; rowIds: number[] }): Promise<void> {
    const now = new Date();
    try {
      await this.model.insertMany(
        [{ _id: p.key, user_id: p.userId, row_ids: p.rowIds, state: 'sending', attempts: 1, last_attempt_at: now }],
        { lean: true },
      );
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      await this.model
        .updateOne({ _id: p.key, state: 'sending' }, { $inc: { attempts: 1 }, $set: { last_attempt_at: now } })
        .exec();
    }
  }

  /** The POST of the last attempt failed for sure (the endpoint answered an error, or was never reached): not a possible delivery. */
  async recordFailedAttempt(p: { key: string }): Promise<void> {
    await this.model.updateOne({ _id: p.key, state: 'sending' }, { $inc: { attempts: -1 } }).exec();
  }

  /** Idempotent: the notification is done (confirmed by a 2xx, or counted as delivered: `unconfirmed`). */
  async recordSent(p: { key: string; userId: number; rowIds: number[]; unconfirmed?: boolean }): Promise<void> {
    const fields = { state: 'sent' as const, sent_at: new Date(), ...(p.unconfirmed ? { unconfirmed: true } : {}) };
    try {
      await this.model.insertMany([{ _id: p.key, user_id: p.userId, row_ids: p.rowIds, ...fields }], { lean: true });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      await this.model.updateOne({ _id: p.key, state: 'sending' }, { $set: fields }).exec();
    }
  }
}
