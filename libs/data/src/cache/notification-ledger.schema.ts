import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../mongo/mongo-model';

export const NOTIFICATION_LEDGER_COLLECTION = 'bytemark_notification_ledger';

/**
 * One document per notification (`_id` is the caller's dedupe key): `sending` from just before each
 * POST (`attempts` counts them), `sent` once the endpoint answered 2xx (`sent_at`). A document still
 * `sending` is a send whose outcome is unknown (it timed out): it may have been delivered. A document
 * written before `state` existed is a sent one.
 */
export interface NotificationLedgerDoc {
  _id: string;
  user_id: number;
  row_ids: number[];
  state?: 'sending' | 'sent';
  attempts?: number;
  last_attempt_at?: Date;
  sent_at?: Date;
  /** Counted as delivered after sends that went unanswered, not confirmed by the endpoint. */
  unconfirmed?: boolean;
}

export const notificationLedgerSchema = new Schema<NotificationLedgerDoc>(
  {
    _id: { type: String, required: true },
    user_id: { type: Number, required: true },
    row_ids: [Number],
    state: { type: String, enum: ['sending', 'sent'] },
    attempts: Number,
    last_attempt_at: Date,
    sent_at: Date,
    unconfirmed: Boolean,
  },
  { collection: NOTIFICATION_LEDGER_COLLECTION, versionKey: false, autoIndex: false, autoCreate: false },
);

export function notificationLedgerModel(conn: Connection): Model<NotificationLedgerDoc> {
  return modelOn(conn, 'BytemarkNotificationLedger', notificationLedgerSchema);
}
