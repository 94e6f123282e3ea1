import { Schema, type Connection, type Model } from 'mongoose';

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

/** `_id` is the deterministic change id (`ticketLogChangeId`), so a retried write stores the change once. */
export const ticketLogSchema = new Schema(
  {
    _id: { type: String, required: true },
    user_id: { type: Number, required: true },
    timestamp: { type: Number, required: true },
    uuid: String,
    status: String,
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

export function ticketLogModel(conn: Connection): Model<TicketLogEntry & { _id: string }> {
  return (
    (conn.models['BytemarkTicketsLog'] as Model<TicketLogEntry & { _id: string }> | undefined) ??
    conn.model<TicketLogEntry & { _id: string }>('BytemarkTicketsLog', ticketLogSchema)
  );
}
