import type { RefreshSummary, SweepPage, SweepSelect, UserRefreshInput } from './types';

/**
 * The activities the workflows call, declared here so that workflow code depends on contracts
 * only; `@btc/activities` implements them. Method names are durable activity type names.
 */

/** The refresh of one user, on the rate-limited Bytemark queue: the same code for the hourly batches and the per-user workflow. */
export interface UserRefreshActivities {
  /**
   * Token lookup, v1 and v4 fetch (one re-login on an expired session), hash-diff reconcile,
   * compare-and-set cache write, audit entries and the free-ticket row: all of it, idempotent per
   * `refreshId`. An unchanged user costs one small MySQL read and one MongoDB write.
   */
  refreshUserTickets(input: UserRefreshInput): Promise<RefreshSummary>;
}

/** The sweep's and the bootstrap's reads, on the workflows' queue. */
export interface SweepActivities {
  /** One page of token users after `cursor` to refresh (freshness filtered in the same query), and how many were skipped. */
  listSweepPage(input: { cursor: number; limit: number; select: SweepSelect }): Promise<SweepPage>;
  countTicketCaches(): Promise<{ count: number }>;
}

/** The claim-check store's cleanup, for whoever staged a value (research ingestion). */
export interface StagingActivities {
  discardStaging(input: { keys: string[] }): Promise<void>;
}

/** The legacy `bytemark_ticket_refresh_log` queue and the alerts (domain §4.8–4.9). */
export interface RefreshQueueActivities {
  /** Pending type-1 rows and pending type-3 rows whose `scheduled_on` is due (UTC), oldest first. */
  listDueRefreshRows(input: { limit: number }): Promise<Array<{ id: number; userId: number }>>;
  listPendingNotificationRows(input: { limit: number }): Promise<Array<{ id: number; userId: number }>>;
  /** Marks exactly these pending rows processed (never another user's, never unread rows). */
  markRefreshRowsProcessed(input: { ids: number[] }): Promise<{ marked: number }>;
  /** Adds a pending type-1 row (refresh now): a request the user's on-demand run could not take on. */
  queueUserRefresh(input: { userId: number }): Promise<{ id: number }>;
  /** Sends the free-ticket push (type 75) once per set of rows, whatever the retries. */
  sendFreeTicketNotification(input: { userId: number; rowIds: number[] }): Promise<{ sent: boolean; reason: string }>;
  notifySlack(input: { text: string }): Promise<{ posted: boolean }>;
  /** Removes staged lists older than the cutoff (left by runs that failed part-way); no TTL index needed. */
  cleanupStaging(input: { olderThanSeconds: number }): Promise<{ deleted: number }>;
  /**
   * Counts a failed attempt at these rows with its reason; rows at `maxAttempts` (at once if
   * `permanent`) are marked failed and returned, so the queue alerts on each once and stops retrying it.
   */
  recordQueueFailure(input: {
    ids: number[];
    reason: string;
    maxAttempts: number;
    permanent: boolean;
  }): Promise<{ failedIds: number[] }>;
}

/** One pass interaction for `hntb_bytemark_pass`, as other services submit it (validated by the activity). */
export interface PassInteractionInput {
  bytemarkPassId: number;
  userId: string;
  /** ISO date-time; default: when it is logged. */
  loggedOn?: string;
}

export interface IngestResult {
  inserted: number;
  duplicates: number;
  rejected: number;
  /** The first rejects with their reasons (all of them are counted in `rejected`). */
  rejects: Array<{ index: number; reason: string }>;
}

/** Rows small enough to pass inline; larger batches travel by staging key (claim-check). */
export const MAX_INLINE_INTERACTIONS = 500;

/** Research-data ingestion into `hntb_bytemark_pass`. */
export interface ResearchActivities {
  /** Logs a batch given inline or by staging key; re-running it inserts nothing twice (primary key). */
  ingestPassInteractions(input: { rows?: PassInteractionInput[]; stagingKey?: string }): Promise<IngestResult>;
}

/** Failure types the activities raise and the workflows branch on. */
export const FAILURE_TYPES = {
  auth: 'BytemarkAuthError',
  rateLimit: 'BytemarkRateLimitError',
  unavailable: 'BytemarkUnavailableError',
  response: 'BytemarkResponseError',
} as const;
