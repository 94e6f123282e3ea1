export type PhaseName = 'baseline' | 'ours' | 'ceiling';

/** What one measured phase reports (null: not meaningful for that phase). */
export interface PhaseResult {
  name: PhaseName;
  /** Users refreshed (or, for the ceiling, no-op workflows completed). */
  users: number;
  changedUsers: number;
  failed: number;
  durationMs: number;
  usersPerSecond: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  bytemarkCallsPerUser: number | null;
  mongoWritesPerUnchangedUser: number | null;
  auditEntriesPerUnchangedUser: number | null;
  historyEventsPerUser: number | null;
  workerPeakRssMb: number | null;
  /** Free-form detail, e.g. the sweep's outcome counts. */
  detail: Record<string, unknown>;
}
