import type { FailureDigest } from './failure-digest';

/** Workflow inputs and results: small, serializable, and free of tokens and pass payloads. */

/** `check`: update if a cache exists, else build. `if-stale`: only when older than TTL − grace. `build`: rebuild. */
export type RefreshMode = 'check' | 'if-stale' | 'build';

/** Who asked: recorded as a search attribute so runs can be filtered in the UI. */
export type RefreshTrigger = 'hourly' | 'on-demand' | 'refresh-log-queue' | 'bootstrap' | 'manual' | 'bench';

export interface RefreshInput {
  userId: number;
  mode?: RefreshMode;
  trigger?: RefreshTrigger;
}

/**
 * `paused`: an operator paused Bytemark calls (`cli bytemark pause`), the cache is left as it is;
 * `purged`: the rider was deleted (`cli cache purge`), nothing is fetched or written.
 */
export type RefreshOutcome =
  'built' | 'updated' | 'unchanged' | 'fresh-skipped' | 'no-token' | 'failed-auth' | 'paused' | 'purged';

export interface RefreshSummary {
  outcome: RefreshOutcome;
  created: number;
  updated: number;
  removed: number;
  unchanged: number;
  newFreeTickets: number;
  /** Seconds since the cache was last refreshed, before this run; null when it never was. */
  cacheAgeBefore: number | null;
  /** `failed-auth` only: failed logins in a row, and when the user is tried again (unix seconds, backed off). */
  authBackoff?: { failures: number; retryAt: number };
  /** Milliseconds in each step (state, token, fetch, reconcile, logs), as the activity's result shows them in the UI. */
  timings?: Partial<Record<'state' | 'token' | 'fetch' | 'reconcile' | 'logs', number>>;
}

/** A refresh outside the hourly sweep failed after its retries: what the on-demand alerts digest counts. */
export interface RefreshFailure {
  userId: number;
  /** The failure type (`ApplicationFailure.type`, from the failure map). */
  type: string;
  /** The failure map asked for an alert on this type. */
  alert: boolean;
}

/** The one unit of work per user, shared by the per-user workflow and the hourly batches. */
export interface UserRefreshInput {
  userId: number;
  mode: RefreshMode;
  trigger: RefreshTrigger;
  /**
   * Names this refresh (`<workflowId>/<runId>[/<activityId>]`): every attempt of the activity uses
   * the same one, so an attempt that finds its commit already made finishes it instead of diffing again.
   */
  refreshId: string;
}

/** Which token users a sweep refreshes: the due ones, oldest first (hourly), missing caches only (backfill), or all. */
export type SweepSelect = 'stale' | 'missing' | 'all';

/** Where a sweep is in its pages: after this user (and, for the due users, after this due time). */
export interface SweepCursor {
  dueAt: number;
  userId: number;
}

export interface SweepInput {
  mode?: RefreshMode;
  trigger?: RefreshTrigger;
  select?: SweepSelect;
  /** Users refreshed at once in each batch (default 25). */
  maxInFlight?: number;
  /** Users per page, and per batch workflow at most (default 200; fewer when their ids would not fit a search attribute value). */
  batchSize?: number;
  /** Batch workflows running at once (default 2). */
  batchesInFlight?: number;
  /** Users handed to batches before continuing as new (default 2,000), which keeps history bounded. */
  usersPerRun?: number;
  /** Post a Slack alert when at least this many users failed (default 5), or any failure the failure map alerts on. */
  alertOnFailures?: number;
  /** No user's refresh starts later than this after the sweep started (default 45 minutes). */
  startUsersForMinutes?: number;
  /**
   * Every refresh of the sweep ends within this after it started (default 55 minutes; one still
   * running then times out). So the sweep ends within its hour whatever Bytemark does, and the next
   * hour's is never skipped by the Schedule's SKIP overlap. Users not reached stay due, first next time.
   */
  windowMinutes?: number;
  /** Set by continue-as-new: where to resume and what was counted so far. */
  cursor?: SweepCursor;
  progress?: SweepProgress;
}

export type OutcomeCounts = Partial<Record<RefreshOutcome, number>>;

export interface SweepProgress {
  /** Token users when the sweep started. */
  usersSeen: number;
  /** Token users not due when the sweep started (fresh, or backing off after failed logins). */
  skippedFresh: number;
  /** Users due when the sweep started: what it had to refresh. */
  due: number;
  refreshed: OutcomeCounts;
  failed: number;
  /** Users in the batches running now. */
  inFlight: number;
  /** Batches started so far. */
  batches: number;
  /** Runs of this sweep so far (1 + continue-as-new count). */
  runs: number;
  failedUserIds: number[];
  failures: FailureDigest;
  /** Users whose refresh never started: the window closed first (they stay due, first next time). */
  notReached: number;
  /** Users failed-auth in this sweep by back-off step (failed logins in a row): each is reported once per step. */
  authBackoff: Record<string, number>;
  /** A few of those users' ids, for the alert (absent in a progress carried over from the previous version). */
  authFailedUserIds?: number[];
  /** Workflow time (ms) the sweep's first run started: its deadlines count from it. */
  startedAtMs: number;
  /** Why the sweep ended: its last page, its window, or an operator's pause. */
  stoppedBy: 'done' | 'deadline' | 'paused' | null;
  /** The Bytemark limit in force when the sweep started (calls per second). */
  rateLimitRps: number;
  /** Users still due when it ended (counted at the end), and the rate limit that would have covered every due user. */
  leftOver: number | null;
  neededRateLimitRps: number | null;
}

export interface SweepPage {
  /** Users to refresh on this page. */
  userIds: number[];
  /** Users of the page left out after all (`missing`: they have a cache): not due after all. */
  skipped?: number;
  /** Cursor for the next page; null at the end. */
  nextCursor: SweepCursor | null;
}

/** What a sweep finds when it starts (state rows added for new token users first). */
export interface SweepStart {
  tokenUsers: number;
  due: number;
  /** The Bytemark limit in force (calls per second): the operator's, else the configured one. */
  rateLimitRps: number;
  /** Set when an operator paused Bytemark calls: the sweep ends at once. */
  paused: { reason: string } | null;
}

export interface BatchInput {
  userIds: number[];
  mode: RefreshMode;
  trigger: RefreshTrigger;
  /** Users refreshed at once (default 25). */
  maxInFlight?: number;
  /** Workflow time (ms, epoch) after which no user's refresh starts, and by which every one has ended. */
  startUsersUntilMs?: number;
  endByMs?: number;
}

export interface BatchResult {
  users: number;
  outcomes: OutcomeCounts;
  failed: number;
  /** Users whose refresh never started because `startUsersUntilMs` passed. */
  notReached: number;
  /** failed-auth outcomes by back-off step. */
  authBackoff: Record<string, number>;
  /** A few of those users' ids (absent in a result of the previous version). */
  authFailedUserIds?: number[];
  /** The failures after their retries, by type (e.g. `BytemarkUnavailableError`), with a few user ids each. */
  failures: FailureDigest;
}

/** What one pass of a purge found and removed. */
export interface PurgePass {
  /** When the tombstone was written (unix seconds, MySQL's clock): the first purge's, on a repeat. */
  purgedAt: number;
  removed: {
    cacheDocument: boolean;
    auditEntries: number;
    quarantined: number;
    schedulingState: boolean;
  };
}

export interface PurgeInput {
  userId: number;
  /**
   * Seconds between the two passes (default 900: longer than a refresh attempt may run, 10 minutes):
   * the second removes whatever a refresh that started before the tombstone still wrote.
   */
  settleSeconds?: number;
}

export interface PurgeResult {
  userId: number;
  first: PurgePass;
  second: PurgePass;
}

/** The purge's progress (its query): the first pass once it is done, the second once that is. */
export interface PurgeProgress {
  userId: number;
  first: PurgePass | null;
  second: PurgePass | null;
  /** Workflow time (ms, epoch) of the second pass. */
  secondPassAtMs: number | null;
}
