import type { ActivityOptions } from '@temporalio/workflow';
import { bytemarkTaskQueue } from './ids';

/** MySQL and MongoDB work, on the workflow's own queue: retried with backoff, finite so one user cannot stall a sweep. */
export const DATABASE_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 8 },
};

/**
 * A user's refresh (`refreshUserTickets`), on the rate-limited Bytemark queue. It heartbeats every
 * few seconds while it runs, so a killed worker's attempt is retried within the heartbeat timeout;
 * a short refresh sends no heartbeat at all. A 429 waits its `Retry-After` (the activity sets
 * `nextRetryDelay`); errors that can never succeed are non-retryable where they are raised. Five
 * attempts over about 15 s of backoff, then the user counts as failed and the next sweep tries again.
 */
export function userRefreshActivity(workflowTaskQueue: string): ActivityOptions {
  return {
    taskQueue: bytemarkTaskQueue(workflowTaskQueue),
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: '10 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
  };
}
