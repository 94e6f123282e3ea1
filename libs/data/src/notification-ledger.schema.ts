import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from './mongo-model';

export const NOTIFICATION_LEDGER_COLLECTION = 'bytemark_notification_ledger';

/** One document per notification actually sent; `_id` is the caller's dedupe key. */
export interface NotificationLedgerDoc {
  _id: string;
  user_id: number;
  row_ids: number[];
  sent_at: Date;
}

export const notificationLedgerSchema = new Schema<NotificationLedgerDoc>(
  { _id: { type: String, required: true }, user_id: Number, row_ids: [Number], sent_at: Date },
  { collection: NOTIFICATION_LEDGER_COLLECTION, strict: false, versionKey: false, autoIndex: false, autoCreate: false },
);

export function notificationLedgerModel(conn: Connection): Model<NotificationLedgerDoc> {
  return modelOn(conn, 'BytemarkNotificationLedger', notificationLedgerSchema);
}
