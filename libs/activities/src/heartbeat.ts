import { Context } from '@temporalio/activity';

/** How often a running activity tells the server it is alive; the workflows' heartbeat timeouts allow three misses. */
export const HEARTBEAT_INTERVAL_MS = 3_000;

/**
 * Wraps every activity so it heartbeats while it runs: a worker killed mid-activity is noticed within
 * the heartbeat timeout (seconds), not the start-to-close timeout (minutes), and the retry starts then.
 */
export function withHeartbeats<T extends object>(activities: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args: unknown[]) => {
      const context = Context.current();
      const timer = setInterval(() => context.heartbeat(), HEARTBEAT_INTERVAL_MS);
      try {
        return await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
      } finally {
        clearInterval(timer);
      }
    };
  }
  return wrapped as T;
}
