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
  maxInFlight: number;
  /** The baseline is sequential, so its rate does not depend on N: it runs over at most this many users. */
  baselineMaxUsers: number;
  /** `WORKER_MAX_CONCURRENT_ACTIVITIES` of the bench workers. */
  maxConcurrentActivities: number;
  /** Per-user workflows whose histories are fetched. */
  historySample: number;
  /** `--max-old-space-size` of the bench workers; null leaves V8's default (sized from the machine's memory). */
  workerHeapMb: number | null;
}

export const DEFAULT_OPTIONS: BenchOptions = {
  users: 500,
  passes: 5,
  latencyMs: 50,
  rate: 400,
  changedFraction: 0.1,
  maxInFlight: 20,
  baselineMaxUsers: 100,
  maxConcurrentActivities: 50,
  historySample: 50,
  workerHeapMb: null,
};

/** `--quick`: a small run for the CI smoke test. */
export const QUICK_OPTIONS: Partial<BenchOptions> = {
  users: 20,
  passes: 3,
  latencyMs: 10,
  baselineMaxUsers: 20,
  historySample: 5,
};

export const SERIES_USERS = [500, 2000, 10_000] as const;
