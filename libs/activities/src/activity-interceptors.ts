import { Context } from '@temporalio/activity';
import type { ActivityInboundCallsInterceptor, ActivityInterceptorsFactory } from '@temporalio/worker';
import { toActivityFailure } from './failure-map';

/** How often a running activity tells the server it is alive; the workflows' heartbeat timeouts allow three misses. */
export const HEARTBEAT_INTERVAL_MS = 3_000;

/** What each running activity last said it is doing, sent with its next heartbeat. */
const progress = new WeakMap<Context, unknown>();

/**
 * Records what the current activity is doing (e.g. `{ step: 'fetch' }`): the interceptor's next
 * heartbeat carries it, so the UI's pending activity shows it and a retry can read it. Sends nothing
 * by itself: a refresh shorter than the heartbeat interval still sends no heartbeat.
 */
export function reportProgress(details: unknown): void {
  try {
    progress.set(Context.current(), details);
  } catch {
    // Outside an activity (a script): nothing to report to.
  }
}

/**
 * What every activity the worker runs gets, in one place (`createWorkers` installs it, as dust
 * `connectors/` does with `cast_known_errors`):
 * - it heartbeats every few seconds while it runs, with its last `reportProgress` details, so a
 *   killed worker's attempt is noticed within the heartbeat timeout (seconds), not the start-to-close
 *   timeout (minutes); an activity shorter than the interval sends no heartbeat (none is billed);
 * - what it throws goes through the failure map (`failure-map.ts`): retryable or not, its type, and
 *   the step of the refresh that failed.
 */
export const activityInterceptors: ActivityInterceptorsFactory = (context) => {
  const inbound: ActivityInboundCallsInterceptor = {
    async execute(input, next) {
      const timer = setInterval(() => context.heartbeat(progress.get(context)), HEARTBEAT_INTERVAL_MS);
      try {
        return await next(input);
      } catch (error) {
        throw toActivityFailure(error, context.info.attempt);
      } finally {
        clearInterval(timer);
      }
    },
  };
  return { inbound };
};
