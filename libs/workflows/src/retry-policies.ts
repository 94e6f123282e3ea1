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
 * `nextRetryDelay`, capped at 5 minutes by the client); errors that can never succeed are
 * non-retryable (the failure map). Five attempts over about 15 s of backoff, all of it within 30
 * minutes whatever Bytemark answers; then the user counts as failed and the next sweep tries again.
 */
export function userRefreshActivity(workflowTaskQueue: string, priorityKey?: number): ActivityOptions {
  return {
    ...(priorityKey !== undefined ? { priority: { priorityKey } } : {}),
    taskQueue: bytemarkTaskQueue(workflowTaskQueue),
    startToCloseTimeout: '10 minutes',
    scheduleToCloseTimeout: '30 minutes',
    heartbeatTimeout: '10 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
  };
}

/** A free-ticket push from the refresh-log queue: a few attempts, then the row's failure is counted (the queue goes on). */
export const NOTIFICATION_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 3 },
};

/** Handing a failure to the alerts workflow: a few quick attempts, then the caller logs it and fails with its own failure. */
export const ALERT_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 seconds', maximumAttempts: 3 },
};
