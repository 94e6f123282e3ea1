import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../mongo/mongo-model';

export const TICKET_LOG_COLLECTION = 'bytemark_tickets_log';

/** One audit entry per pass change (domain §2.2 decision). */
export interface TicketLogEntry {
  user_id: number;
  timestamp: number;
  uuid: string;
  status: string;
  source: 'passes' | 'passes4';
  action: 'create' | 'update';
  payload: Record<string, unknown>;
  payload_hash: string;
}

/** An audit entry as stored: `_id` is the deterministic change id (`ticketLogChangeId`), payload keys escaped. */
export type StoredTicketLogEntry = TicketLogEntry & { _id: string };

/** `_id` is the deterministic change id (`ticketLogChangeId`), so a retried write stores the change once. */
export const ticketLogSchema = new Schema<StoredTicketLogEntry>(
  {
    _id: { type: String, required: true },
    user_id: { type: Number, required: true },
    timestamp: { type: Number, required: true },
    uuid: String,
    status: String,
    source: String,
    action: String,
    payload: Schema.Types.Mixed,
    payload_hash: String,
  },
  {
    collection: TICKET_LOG_COLLECTION,
    strict: false,
    versionKey: false,
    autoIndex: false,
    autoCreate: false,
    suppressReservedKeysWarning: true,
  },
);

export function ticketLogModel(conn: Connection): Model<StoredTicketLogEntry> {
  return modelOn(conn, 'BytemarkTicketsLog', ticketLogSchema);
}
