/** What one fault campaign is given; `main.ts` reads these from the command line. */
export interface ChaosOptions {
  /** Token users swept (ids from FIRST_USER_ID). */
  users: number;
  /** Passes per user in the simulator. */
  passes: number;
  /** Seeds the simulator, who gets which change and fault, and when the infrastructure faults fire. */
  seed: number;
  /** Simulated Bytemark latency per call (fixed): keeps the sweep long enough for the faults to land. */
  latencyMs: number;
  /** Share of users (0..1) each kind of Bytemark fault reaches (5xx, 429, hang, malformed, session expiry). */
  faultShare: number;
  /** Times the worker process is SIGKILLed (and started again) during the sweep. */
  workerKills: number;
  /** Times FerretDB is restarted (stopped by pid file, started again on the same data dir) during the sweep. */
  ferretRestarts: number;
  /** Rounds of `KILL CONNECTION` over the worker's MariaDB connections during the sweep. */
  mysqlKillRounds: number;
  /** Users refreshed at once per batch, and users per batch workflow. */
  maxInFlight: number;
  batchSize: number;
  /** The whole campaign stops (and reports what it found) after this many minutes. */
  timeLimitMinutes: number;
}

export const DEFAULT_OPTIONS: ChaosOptions = {
  users: 1000,
  passes: 5,
  seed: 1,
  latencyMs: 50,
  faultShare: 0.03,
  workerKills: 3,
  ferretRestarts: 1,
  mysqlKillRounds: 4,
  maxInFlight: 25,
  batchSize: 200,
  timeLimitMinutes: 20,
};

/** The version `npm test` runs (`chaos.spec.ts`): 100 users, one worker kill, one FerretDB restart. */
export const SMALL_OPTIONS: Partial<ChaosOptions> = {
  users: 100,
  passes: 4,
  faultShare: 0.05,
  workerKills: 1,
  ferretRestarts: 1,
  mysqlKillRounds: 2,
  maxInFlight: 10,
  batchSize: 50,
  timeLimitMinutes: 6,
};

export type RunOptions = Partial<ChaosOptions> & { small?: boolean };

export function resolveOptions(input: RunOptions): ChaosOptions {
  const { small, ...given } = input;
  const defined = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  return { ...DEFAULT_OPTIONS, ...(small ? SMALL_OPTIONS : {}), ...defined };
}
