export type PhaseName = 'baseline' | 'ours' | 'ceiling';

/** What one measured phase reports (null: not meaningful for that phase). */
export interface PhaseResult {
  name: PhaseName;
  /** Users refreshed (or, for the ceiling, no-op refreshes completed). */
  users: number;
  changedUsers: number;
  failed: number;
  durationMs: number;
  usersPerSecond: number;
  /** A user's refresh: activity scheduled → completed (ours, ceiling), or the loop's iteration (baseline). */
  latencyP50Ms: number;
  latencyP95Ms: number;
  bytemarkCallsPerUser: number | null;
  /** Bytemark requests answered in the busiest second (the rate limit is judged by it). */
  bytemarkPeakCallsPerSecond: number | null;
  mongoWritesPerUnchangedUser: number | null;
  auditEntriesPerUnchangedUser: number | null;
  /** Workflows the phase ran (sweep runs, batches, per-user runs) and their history events, per user. */
  workflows: number | null;
  historyEventsPerUser: number | null;
  /** Billable Actions per user, counted as Temporal Cloud does (see history-cost.ts), heartbeats included. */
  actionsPerUser: number | null;
  workerPeakRssMb: number | null;
  /** Free-form detail, e.g. the sweep's outcome counts. */
  detail: Record<string, unknown>;
}
