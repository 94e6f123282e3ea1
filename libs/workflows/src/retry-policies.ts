import type { ActivityOptions } from '@temporalio/workflow';
import { FAILURE_TYPES } from './activity-contracts';
import { bytemarkTaskQueue } from './ids';

/** MySQL and MongoDB work, on the workflow's own queue: retried with backoff, finite so one user cannot stall a sweep. */
export const DATABASE_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 8 },
};

/**
 * Bytemark list calls: heartbeat while running (and per page); 429s wait `Retry-After` (the activity sets `nextRetryDelay`),
 * transient errors back off, auth failures are not retried (the workflow re-logs in once instead).
 */
export function bytemarkFetchActivity(workflowTaskQueue: string): ActivityOptions {
  return {
    taskQueue: bytemarkTaskQueue(workflowTaskQueue),
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: '10 seconds',
    retry: {
      initialInterval: '2 seconds',
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      maximumAttempts: 8,
      nonRetryableErrorTypes: [FAILURE_TYPES.auth],
    },
  };
}

export function bytemarkLoginActivity(workflowTaskQueue: string): ActivityOptions {
  return {
    taskQueue: bytemarkTaskQueue(workflowTaskQueue),
    startToCloseTimeout: '1 minute',
    heartbeatTimeout: '10 seconds',
    retry: { initialInterval: '2 seconds', maximumAttempts: 5, nonRetryableErrorTypes: [FAILURE_TYPES.auth] },
  };
}
