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
}

export interface FetchPassesInput {
  userId: number;
  source: PassSource;
  /** Where the fetched list is staged (claim-check); the list itself never enters history. */
  stagingKey: string;
}

export interface FetchPassesResult {
  stagingKey: string;
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
  passesKey: string;
  passes4Key: string;
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
