import type { FailureDigest } from './failure-digest';

/** Workflow inputs and results: small, serializable, and free of tokens and pass payloads. */

/** `check`: update if a cache exists, else build. `if-stale`: only when older than TTL − grace. `build`: rebuild. */
export type RefreshMode = 'check' | 'if-stale' | 'build';

/** Who asked: recorded as a search attribute so runs can be filtered in the UI. */
export type RefreshTrigger = 'hourly' | 'on-demand' | 'legacy-queue' | 'bootstrap' | 'manual' | 'bench';

export interface RefreshInput {
  userId: number;
  mode?: RefreshMode;
  trigger?: RefreshTrigger;
}

export type RefreshOutcome = 'built' | 'updated' | 'unchanged' | 'fresh-skipped' | 'no-token' | 'failed-auth';

export interface RefreshSummary {
  outcome: RefreshOutcome;
  created: number;
  updated: number;
  removed: number;
  unchanged: number;
  newFreeTickets: number;
  /** Seconds since the cache was last refreshed, before this run; null when it never was. */
  cacheAgeBefore: number | null;
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

/** Which token users a sweep refreshes: stale or missing caches (hourly), missing only (backfill), or all. */
export type SweepSelect = 'stale' | 'missing' | 'all';

export interface SweepInput {
  mode?: RefreshMode;
  trigger?: RefreshTrigger;
  select?: SweepSelect;
  /** Users refreshed at once in each batch (default 25). */
  maxInFlight?: number;
  /** Users per batch workflow (default 200). */
  batchSize?: number;
  /** Batch workflows running at once (default 2). */
  batchesInFlight?: number;
  /** Users handed to batches before continuing as new (default 2,000), which keeps history bounded. */
  usersPerRun?: number;
  /** Post a Slack alert when at least this many users failed (default 5), or any failure the failure map alerts on. */
  alertOnFailures?: number;
  /**
   * No batch starts later than this after the sweep started (default 45): with each user's refresh
   * bounded too (30 minutes, Retry-After included), the sweep ends within the hour whatever Bytemark
   * answers; the users it did not reach are still stale, so the next hourly sweep takes them.
   */
  startBatchesForMinutes?: number;
  /** Set by continue-as-new: where to resume and what was counted so far. */
  cursor?: number;
  progress?: SweepProgress;
}

export type OutcomeCounts = Partial<Record<RefreshOutcome, number>>;

export interface SweepProgress {
  usersSeen: number;
  skippedFresh: number;
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
  /** Workflow time (ms) the sweep's first run started: the batch deadline counts from it. */
  startedAtMs: number;
  /** Set when the deadline stopped the sweep before the last page: the cursor it stopped at. */
  stoppedAtCursor: number | null;
}

export interface SweepPage {
  /** Users to refresh on this page, after the freshness filter. */
  userIds: number[];
  seen: number;
  skippedFresh: number;
  /** Cursor for the next page; null at the end. */
  nextCursor: number | null;
}

export interface BatchInput {
  userIds: number[];
  mode: RefreshMode;
  trigger: RefreshTrigger;
  /** Users refreshed at once (default 25). */
  maxInFlight?: number;
}

export interface BatchResult {
  users: number;
  outcomes: OutcomeCounts;
  failed: number;
  /** The failures after their retries, by type (e.g. `BytemarkUnavailableError`), with a few user ids each. */
  failures: FailureDigest;
}
