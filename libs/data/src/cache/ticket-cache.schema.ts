import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../mongo/mongo-model';

export const TICKET_CACHE_COLLECTION = 'bytemark_tickets_cache';

/** Which Bytemark list a cached pass came from: v1 current passes, or v4 history. */
export type PassSource = 'passes' | 'passes4';

/** One cached pass (domain §2.1). `payload` is the Bytemark pass verbatim (keys unescaped when read back). */
export interface PassEntry {
  pass_uuid: string;
  timestamp: number;
  status: string;
  free_ticket_status: number;
  payload: Record<string, unknown>;
  payload_hash: string;
}

/** What the last change of the cache did, kept so that a retried refresh returns it instead of diffing again. */
export interface CacheChangeSummary {
  outcome: 'built' | 'updated' | 'unchanged';
  created: number;
  updated: number;
  removed: number;
  unchanged: number;
  newFreeTickets: number;
}

/** One audit entry still to write: the pass is found in the committed document by source and uuid. */
export interface PendingChange {
  source: PassSource;
  action: 'create' | 'update';
  uuid: string;
}

/**
 * The effects of a commit that are written after it (audit entries, the free-ticket queue row),
 * recorded in the same document write as the cache change: whoever reads the document next (the
 * retry, or the user's next refresh) finishes them before anything else, so none is ever lost.
 */
export interface PendingEffects {
  refresh_id: string;
  timestamp: number;
  changes: PendingChange[];
  new_free: string[];
}

/** One user's cache document. Timestamps are unix seconds; the field names and types are the original's. */
export interface TicketCacheDoc {
  user_id: number;
  timestamp: number;
  passes: PassEntry[];
  passes4: PassEntry[];
  passesLog: unknown[];
  passes4Log: unknown[];
  /** Incremented by every content change: the compare-and-set token. 0: written by the original platform. */
  version: number;
  /** The refresh that made the last content change, and what it did. */
  refresh_id: string | null;
  /**
   * When the refresh that made the last content change started, on MySQL's clock (µs): its lists
   * were fetched after that. A refresh that started earlier never replaces them with its older lists.
   * Absent or null: written before this was kept (or by the original platform).
   */
  lists_fetched_at_us?: number | null;
  refresh_summary: CacheChangeSummary | null;
  pending: PendingEffects | null;
  /**
   * Free passes whose reward notification was queued, kept even when the pass leaves the lists: a free
   * pass that disappears and comes back is never announced twice.
   */
  announced_free: string[];
}

/**
 * The stored form: `_id` is the user id as a string, payload keys are escaped (`payload-keys.ts`),
 * and `version` / `pending` are absent when 0 / none (a document of the original platform has neither).
 */
export type StoredTicketCache = Omit<
  TicketCacheDoc,
  'version' | 'pending' | 'announced_free' | 'lists_fetched_at_us'
> & {
  lists_fetched_at_us?: number;
  _id: string;
  version?: number;
  pending?: PendingEffects;
  announced_free?: string[];
};

/**
 * Pass arrays are `Mixed`: stored as given, no per-element casting. `strict: false` keeps fields
 * the original platform's documents carry that this service does not know.
 */
export const ticketCacheSchema = new Schema<StoredTicketCache>(
  {
    _id: { type: String, required: true },
    user_id: { type: Number, required: true },
    timestamp: { type: Number, required: true },
    passes: [Schema.Types.Mixed],
    passes4: [Schema.Types.Mixed],
    passesLog: [Schema.Types.Mixed],
    passes4Log: [Schema.Types.Mixed],
    version: Number,
    refresh_id: String,
    lists_fetched_at_us: Number,
    refresh_summary: Schema.Types.Mixed,
    pending: Schema.Types.Mixed,
    announced_free: [String],
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

export function ticketCacheModel(conn: Connection): Model<StoredTicketCache> {
  return modelOn(conn, 'BytemarkTicketsCache', ticketCacheSchema);
}
