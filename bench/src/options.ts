import type { SweepInput } from '@btc/workflows';
import { WORKER_HEAP_MB } from '@btc/config';
import type { ChildShape } from './ceiling.workflows';

/** What one benchmark run is given; `main.ts` reads these from the command line. */
export interface BenchOptions {
  users: number;
  passes: number;
  /** Simulated Bytemark latency per call (fixed, no jitter). */
  latencyMs: number;
  /** Bytemark calls per second: the simulator's global limit and the worker's `BYTEMARK_RATE_LIMIT_RPS`. */
  rate: number;
  /** Share of users whose passes changed since the last refresh (one pass modified each). */
  changedFraction: number;
  /** Users refreshed at once per batch (the sweep's `maxInFlight`). */
  maxInFlight: number;
  /** Users per batch workflow. */
  batchSize: number;
  /** Batch workflows running at once. */
  batchesInFlight: number;
  /** The baseline is sequential, so its rate does not depend on N: it runs over at most this many users. */
  baselineMaxUsers: number;
  /** `WORKER_MAX_CONCURRENT_ACTIVITIES` of the bench workers. */
  maxConcurrentActivities: number;
  /** Worker processes of the 'ours' phase, sharing the queues (and the server-side rate limit). */
  workers: number;
  /** The ceiling's shape: the service's workflows (`batch`) or one of the child-per-user levers. */
  ceilingShape: 'batch' | ChildShape;
  /** `--max-old-space-size` of the bench workers (default the worker's shipped limit, WORKER_HEAP_MB); null: V8's own. */
  workerHeapMb: number | null;
  /** The on-demand phase: its Bytemark limit (the service's default, 20), latency per call and riders measured idle and during the sweep. */
  onDemandRate: number;
  onDemandLatencyMs: number;
  onDemandRequests: number;
}

export const DEFAULT_OPTIONS: BenchOptions = {
  users: 500,
  passes: 5,
  latencyMs: 50,
  rate: 400,
  changedFraction: 0.1,
  maxInFlight: 25,
  batchSize: 200,
  batchesInFlight: 2,
  baselineMaxUsers: 100,
  maxConcurrentActivities: 50,
  workers: 1,
  ceilingShape: 'batch',
  workerHeapMb: WORKER_HEAP_MB,
  onDemandRate: 20,
  onDemandLatencyMs: 100,
  onDemandRequests: 40,
};

/** `--quick`: a small run for the CI smoke test (two batches, two worker processes). */
export const QUICK_OPTIONS: Partial<BenchOptions> = {
  users: 20,
  passes: 3,
  latencyMs: 10,
  baselineMaxUsers: 20,
  batchSize: 10,
  workers: 2,
  onDemandRate: 4,
  onDemandLatencyMs: 10,
  onDemandRequests: 3,
};

export const SERIES_USERS = [500, 2000, 10_000] as const;

/** The sweep's input in the bench (ours and the ceiling run the same one). */
export function sweepArgs(options: BenchOptions): SweepInput {
  return {
    mode: 'if-stale',
    trigger: 'hourly',
    select: 'stale',
    maxInFlight: options.maxInFlight,
    batchSize: options.batchSize,
    batchesInFlight: options.batchesInFlight,
  };
}
