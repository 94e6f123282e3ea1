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
  /** Seconds since the cache was last written, before this run; null when there was no cache. */
  cacheAgeBefore: number | null;
}

export type PassSource = 'passes' | 'passes4';

export interface CacheState {
  exists: boolean;
  /** Unix seconds of the last build or update. */
  timestamp: number | null;
  ageSeconds: number | null;
  /** Older than TTL − grace (always true without a cache). */
  stale: boolean;
  /** The hashes of the v1 and v4 lists the cache was last built from (null without a cache). */
  sourceHashes: Record<PassSource, string | null> | null;
}

export interface FetchPassesInput {
  userId: number;
  source: PassSource;
  /** Where the fetched list is staged (claim-check); the list itself never enters history. */
  stagingKey: string;
  /**
   * The hash of the list the cache was last built from (`CacheState.sourceHashes`): when the fetched
   * list has the same hash nothing is staged, so an unchanged user costs one MongoDB write in all.
   * Null (a build, or no hash stored): always stage.
   */
  skipIfHash: string | null;
}

export interface FetchPassesResult {
  /** Null when the list is unchanged since the last refresh and nothing was staged. */
  stagingKey: string | null;
  passes: number;
  pages: number;
  /** Passes the schema rejected; they are reported, and their cached copies are kept. */
  rejected: number;
}

export interface ReconcileInput {
  userId: number;
  /** Identifies this run's diff: a retried reconcile that finds it already committed returns its summary. */
  refreshId: string;
  mode: 'build' | 'update';
  /** Null: that list is unchanged since the last refresh (see `FetchPassesInput.skipIfHash`). */
  passesKey: string | null;
  passes4Key: string | null;
  /** Unix seconds, taken from workflow time so that every retry computes the same document. */
  now: number;
}

export interface ReconcileResult {
  outcome: 'built' | 'updated' | 'unchanged';
  created: number;
  updated: number;
  removed: number;
  unchanged: number;
  newFreeTickets: number;
  /** Staged audit entries and free-ticket uuids to write; null when nothing changed. */
  changesKey: string | null;
}

export interface WriteRefreshLogsInput {
  userId: number;
  refreshId: string;
  changesKey: string;
}

export interface WriteRefreshLogsResult {
  auditEntries: number;
  alreadyPresent: number;
  freeTicketRowId: number | null;
}

/** Which token users a sweep refreshes: stale or missing caches (hourly), missing only (backfill), or all. */
export type SweepSelect = 'stale' | 'missing' | 'all';

export interface SweepInput {
  mode?: RefreshMode;
  trigger?: RefreshTrigger;
  select?: SweepSelect;
  /** Per-user workflows running at once (default 20). */
  maxInFlight?: number;
  /** Users read per page (default 200). */
  pageSize?: number;
  /** Users handled before continuing as new (default 500), which keeps history bounded. */
  usersPerRun?: number;
  /** Post a Slack alert when at least this many users failed (default 5). */
  alertOnFailures?: number;
  /** Set by continue-as-new: where to resume and what was counted so far. */
  cursor?: number;
  progress?: SweepProgress;
}

export interface SweepProgress {
  usersSeen: number;
  skippedFresh: number;
  refreshed: Partial<Record<RefreshOutcome, number>>;
  failed: number;
  /** Per-user workflows of this sweep running now. */
  inFlight: number;
  /** Users whose refresh was already running (started on demand); left to that run. */
  inFlightElsewhere: number;
  /** Runs of this sweep so far (1 + continue-as-new count). */
  runs: number;
  failedUserIds: number[];
}

export interface SweepPage {
  /** Users to refresh on this page, after the freshness filter. */
  userIds: number[];
  seen: number;
  skippedFresh: number;
  /** Cursor for the next page; null at the end. */
  nextCursor: number | null;
}
