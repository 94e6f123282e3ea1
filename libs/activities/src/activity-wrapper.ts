import { Context } from '@temporalio/activity';
import { toActivityFailure } from './failure-map';

/** How often a running activity tells the server it is alive; the workflows' heartbeat timeouts allow three misses. */
export const HEARTBEAT_INTERVAL_MS = 3_000;

/**
 * Wraps every activity the worker registers, in one place:
 * - it heartbeats every few seconds while it runs, so a killed worker's attempt is noticed within the
 *   heartbeat timeout (seconds), not the start-to-close timeout (minutes); an activity shorter than
 *   the interval sends no heartbeat (none reaches the server, none is billed);
 * - what it throws goes through the failure map (`failure-map.ts`): retryable or not, and its type.
 */
export function wrapActivities<T extends object>(activities: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args: unknown[]) => {
      const context = Context.current();
      const timer = setInterval(() => context.heartbeat(), HEARTBEAT_INTERVAL_MS);
      try {
        return await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
      } catch (error) {
        throw toActivityFailure(error, context.info.attempt);
      } finally {
        clearInterval(timer);
      }
    };
  }
  return wrapped as T;
}
