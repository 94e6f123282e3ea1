import { Schema, type Connection, type Model } from 'mongoose';

export const TICKET_CACHE_COLLECTION = 'bytemark_tickets_cache';

/** One cached pass (domain §2.1). `payload` is the Bytemark pass verbatim (keys unescaped when read back). */
export interface PassEntry {
  pass_uuid: string;
  timestamp: number;
  status: string;
  free_ticket_status: number;
  payload: Record<string, unknown>;
  payload_hash: string;
}

export interface SourceHashes {
  passes: string | null;
  passes4: string | null;
}

/** One user's cache document. Timestamps are unix seconds. */
export interface TicketCacheDoc {
  user_id: number;
  timestamp: number;
  passes: PassEntry[];
  passes4: PassEntry[];
  passesLog: unknown[];
  passes4Log: unknown[];
  /** Hash of each whole API pass list at the last refresh (lets a refresh skip an unchanged list). */
  source_hashes?: SourceHashes | null;
  refresh_id?: string | null;
  refresh_summary?: Record<string, unknown> | null;
}

/** Loose on purpose (`strict: false`): pass arrays are stored as given, with no per-element casting. */
export const ticketCacheSchema = new Schema(
  {
    user_id: { type: Number, required: true },
    timestamp: { type: Number, required: true },
    passes: { type: Array, default: [] },
    passes4: { type: Array, default: [] },
    passesLog: { type: Array, default: [] },
    passes4Log: { type: Array, default: [] },
  },
  {
    collection: TICKET_CACHE_COLLECTION,
    strict: false,
    versionKey: false,
    autoIndex: false,
    autoCreate: false,
    suppressReservedKeysWarning: true,
  },
);

export function ticketCacheModel(conn: Connection): Model<TicketCacheDoc> {
  return (
    (conn.models['BytemarkTicketsCache'] as Model<TicketCacheDoc> | undefined) ??
    conn.model<TicketCacheDoc>('BytemarkTicketsCache', ticketCacheSchema)
  );
}
