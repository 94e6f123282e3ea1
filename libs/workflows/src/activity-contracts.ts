import type {
  RefreshFailure,
  PurgePass,
  RefreshTrigger,
  RefreshSummary,
  SweepCursor,
  SweepPage,
  SweepProgress,
  SweepSelect,
  SweepStart,
  UserRefreshInput,
} from './types';

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

/** The sweep's and the bootstrap's reads and records, on the workflows' queue. */
export interface SweepActivities {
  /** Adds state rows for new token users (due at once) and counts the token users and those due at `dueBefore`. */
  beginSweep(input: { select: SweepSelect; dueBefore: number }): Promise<SweepStart>;
  /** One page of users to refresh after `cursor`: the due ones oldest first (`stale`), or by id (`all`, `missing`). */
  listSweepPage(input: {
    cursor: SweepCursor | null;
    limit: number;
    select: SweepSelect;
    dueBefore: number;
  }): Promise<SweepPage>;
  /**
   * Records the finished sweep (`bytemark_sweep_runs`, for the metrics and `doctor`) and counts the
   * users still due at `dueBefore`: what the window could not reach. When some are left (`stale`
   * sweeps), the rate limit that would refresh every due user within `startUsersForSeconds`.
   */
  finishSweep(input: {
    sweepId: string;
    trigger: RefreshTrigger;
    select: SweepSelect;
    dueBefore: number;
    startUsersForSeconds: number;
    endedAt: number;
    progress: Omit<SweepProgress, 'failedUserIds' | 'failures'>;
  }): Promise<{ leftOver: number; neededRateLimitRps: number | null }>;
  countTicketCaches(): Promise<{ count: number }>;
}

/** A deleted rider's data (`purgeUserCacheWorkflow`), on the workflows' queue. */
export interface PurgeActivities {
  /**
   * Writes the user's tombstone (kept from a first purge), then removes its cache document, audit
   * entries, quarantined effects and refresh state; safe to repeat. `purgeRef` names the purge's run.
   */
  purgeUserCache(input: { userId: number; purgeRef: string }): Promise<PurgePass>;
}

/** The claim-check store's cleanup, for whoever staged a value (research ingestion). */
export interface StagingActivities {
  discardStaging(input: { keys: string[] }): Promise<void>;
}

/** The refresh-log queue (`bytemark_ticket_refresh_log`, the original platform's) and the alerts (domain §4.8–4.9). */
export interface RefreshQueueActivities {
  /**
   * The due rows (pending type 1, type 3 due by `scheduled_on` in UTC, none backing off) of the
   * `limit` users with the oldest: selected by user, so one user's rows never crowd the others out.
   */
  listDueRefreshRows(input: { limit: number }): Promise<Array<{ id: number; userId: number }>>;
  listPendingNotificationRows(input: { limit: number }): Promise<Array<{ id: number; userId: number }>>;
  /** Marks exactly these pending rows processed (never another user's, never unread rows). */
  markRefreshRowsProcessed(input: { ids: number[] }): Promise<{ marked: number }>;
  /** Adds a pending type-1 row (refresh now) unless the user has one: a request the user's on-demand run could not take on. */
  queueUserRefresh(input: { userId: number }): Promise<{ id: number }>;
  /** Sends the free-ticket push (type 75) once per set of rows, whatever the retries. */
  sendFreeTicketNotification(input: { userId: number; rowIds: number[] }): Promise<{ sent: boolean; reason: string }>;
  notifySlack(input: { text: string }): Promise<{ posted: boolean }>;
  /** Removes staged lists older than the cutoff (left by runs that failed part-way); no TTL index needed. */
  cleanupStaging(input: { olderThanSeconds: number }): Promise<{ deleted: number }>;
  /**
   * Counts a failure of these rows' work with its reason: a `permanent` one marks them failed at
   * once; a transient one backs them off (5 minutes, doubling to 6 hours) and fails them only after
   * `maxTransientFailures`. Returns the rows marked failed, so the queue alerts on each once.
   */
  recordQueueFailure(input: {
    ids: number[];
    reason: string;
    maxTransientFailures: number;
    permanent: boolean;
  }): Promise<{ failedIds: number[] }>;
}

/** The failures of refreshes outside the hourly sweep, handed to the on-demand alerts workflow. */
export interface AlertActivities {
  /**
   * Signals the failure to the alerts workflow `alertsWorkflowId`, starting it on `taskQueue` when it
   * is not running (signal-with-start from a client: the alerts workflow has no parent).
   */
  reportRefreshFailure(input: { failure: RefreshFailure; alertsWorkflowId: string; taskQueue: string }): Promise<void>;
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
  /** A push sent without an answer (it may have been delivered): backed off and resent once, never at once. */
  notificationUnconfirmed: 'NotificationUnconfirmedError',
} as const;
