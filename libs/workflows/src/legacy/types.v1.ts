/**
 * LEGACY (v1, one workflow per user with six activities): the types of the previous version's
 * workflows and activities, kept only so that runs started before the batch design replay and
 * finish (see `refresh-ticket-cache.v1.ts`). Delete with the rest of `legacy/` once no run of the
 * previous version is open (`npm run cli -- doctor` reports them).
 */
import type { RefreshMode, RefreshOutcome, RefreshTrigger, SweepSelect } from '../types';

export type PassSource = 'passes' | 'passes4';

export interface CacheState {
  exists: boolean;
  timestamp: number | null;
  ageSeconds: number | null;
  stale: boolean;
  sourceHashes: Record<PassSource, string | null> | null;
}

export interface FetchPassesInput {
  userId: number;
  source: PassSource;
  stagingKey: string;
  skipIfHash: string | null;
}

export interface FetchPassesResult {
  stagingKey: string | null;
  passes: number;
  pages: number;
  rejected: number;
}

export interface ReconcileInput {
  userId: number;
  refreshId: string;
  mode: 'build' | 'update';
  passesKey: string | null;
  passes4Key: string | null;
  now: number;
}

export interface ReconcileResult {
  outcome: 'built' | 'updated' | 'unchanged';
  created: number;
  updated: number;
  removed: number;
  unchanged: number;
  newFreeTickets: number;
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

/** The v1 activities, by their durable names. */
export interface LegacyRefreshActivities {
  readCacheState(input: { userId: number }): Promise<CacheState>;
  lookupToken(input: { userId: number }): Promise<{ hasToken: boolean }>;
  reconcileTicketCache(input: ReconcileInput): Promise<ReconcileResult>;
  writeRefreshLogs(input: WriteRefreshLogsInput): Promise<WriteRefreshLogsResult>;
}

export interface LegacyBytemarkActivities {
  fetchPasses(input: FetchPassesInput): Promise<FetchPassesResult>;
  reloginUser(input: { userId: number }): Promise<void>;
}

export interface LegacySweepInput {
  mode?: RefreshMode;
  trigger?: RefreshTrigger;
  select?: SweepSelect;
  maxInFlight?: number;
  pageSize?: number;
  usersPerRun?: number;
  alertOnFailures?: number;
  cursor?: number;
  progress?: LegacySweepProgress;
}

export interface LegacySweepProgress {
  usersSeen: number;
  skippedFresh: number;
  refreshed: Partial<Record<RefreshOutcome, number>>;
  failed: number;
  inFlight: number;
  inFlightElsewhere: number;
  runs: number;
  failedUserIds: number[];
}
