import type { ActivityInboundCallsInterceptor, ActivityInterceptorsFactory } from '@temporalio/worker';
import { toActivityFailure } from './failure-map';

/** How often a running activity tells the server it is alive; the workflows' heartbeat timeouts allow three misses. */
export const HEARTBEAT_INTERVAL_MS = 3_000;

/**
 * What every activity the worker runs gets, in one place (`createWorkers` installs it, as dust
 * `connectors/` does with `cast_known_errors`):
 * - it heartbeats every few seconds while it runs, so a killed worker's attempt is noticed within the
 *   heartbeat timeout (seconds), not the start-to-close timeout (minutes); an activity shorter than
 *   the interval sends no heartbeat (none reaches the server, none is billed);
 * - what it throws goes through the failure map (`failure-map.ts`): retryable or not, and its type.
 */
export const activityInterceptors: ActivityInterceptorsFactory = (context) => {
  const inbound: ActivityInboundCallsInterceptor = {
    async execute(input, next) {
      // The timer repeats the activity's own last details (its current step) instead of clearing them.
      const heartbeat = context.heartbeat.bind(context);
      let lastDetails: unknown;
      Object.defineProperty(context, 'heartbeat', {
        configurable: true,
        value: (details?: unknown) => heartbeat((lastDetails = details)),
      });
      const timer = setInterval(() => heartbeat(lastDetails), HEARTBEAT_INTERVAL_MS);
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
