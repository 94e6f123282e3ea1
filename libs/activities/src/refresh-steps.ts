import { classifyDatabaseError, toDatabaseError } from '@btc/data';
import { reportProgress } from './activity-interceptors';

/** The steps of a user's refresh, as the design names them (what an operator sees in the UI). */
export type RefreshStep = 'state' | 'token' | 'fetch' | 'reconcile' | 'logs';

/** Milliseconds spent in each step of one refresh (a step that did not run is absent). */
export type StepTimings = Partial<Record<RefreshStep, number>>;

/**
 * How long a database step is retried in place after a transient failure (a connection lost, a
 * deadlock, FerretDB restarting) before the attempt fails: long enough for a blip of 15 to 20 s, so
 * the Bytemark calls already made are not spent again by the activity's next attempt.
 */
export const DATABASE_RETRY_BUDGET_MS = 45_000;
const RETRY_DELAYS_MS = [250, 500, 1000, 2000, 4000, 8000];

/** A step's failure, named: the activity's failure details and log line say which step failed. */
export interface StepError extends Error {
  refreshStep?: RefreshStep;
}

/**
 * Runs the steps of one refresh: times each (a nested step's time is its own, not its parent's),
 * reports which step runs (the heartbeat details `{ step }` of a long refresh, shown on the pending
 * activity in the UI), retries a database step in place on a transient error for up to `DATABASE_RETRY_BUDGET_MS`,
 * and names the step on an error it lets through.
 */
export class RefreshSteps {
  readonly timings: StepTimings = {};
  private nested = 0;

  constructor(
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    private readonly budgetMs = DATABASE_RETRY_BUDGET_MS,
  ) {}

  /** Runs a step that talks to MySQL or MongoDB: retried in place on transient errors. */
  db<T>(step: RefreshStep, fn: () => Promise<T>): Promise<T> {
    return this.run(step, async () => {
      const started = Date.now();
      for (let attempt = 0; ; attempt++) {
        try {
          return await fn();
        } catch (error) {
          const delay = RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length - 1)]!;
          if (classifyDatabaseError(error) !== 'transient') throw error;
          if (Date.now() - started + delay > this.budgetMs) throw toDatabaseError(error, `refresh step ${step}`);
          reportProgress({ step, retrying: attempt + 1 });
          await this.sleep(delay);
        }
      }
    });
  }

  /** Runs a step (the Bytemark fetch: its errors go to the activity's retry policy). */
  async run<T>(step: RefreshStep, fn: () => Promise<T>): Promise<T> {
    reportProgress({ step });
    const started = Date.now();
    const nestedBefore = this.nested;
    try {
      return await fn();
    } catch (error) {
      if (error instanceof Error && (error as StepError).refreshStep === undefined) {
        Object.defineProperty(error, 'refreshStep', { value: step, enumerable: false });
      }
      throw error;
    } finally {
      const elapsed = Date.now() - started;
      const own = elapsed - (this.nested - nestedBefore);
      this.timings[step] = (this.timings[step] ?? 0) + own;
      this.nested = nestedBefore + elapsed;
    }
  }
}
