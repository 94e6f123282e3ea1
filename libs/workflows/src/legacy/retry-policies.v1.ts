/** LEGACY (v1): the activity options of the previous version's per-user refresh (see `refresh-ticket-cache.v1.ts`). */
import type { ActivityOptions } from '@temporalio/workflow';
import { FAILURE_TYPES } from '../activity-contracts';
import { bytemarkTaskQueue } from '../ids';

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
