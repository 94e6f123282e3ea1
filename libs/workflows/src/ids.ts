/**
 * Every durable name in one place: workflow ids, task queues, schedule ids and search attributes.
 * Renaming any of these is a breaking change for running workflows and schedules.
 */

/** Workflows and the non-Bytemark activities (MySQL, MongoDB, notifications). */
export const TICKET_CACHE_TASK_QUEUE = 'bytemark-ticket-cache';

/**
 * Activities that call the Bytemark API run on a queue of their own, derived from the workflow's
 * queue, whose worker carries the global rate limit (`maxTaskQueueActivitiesPerSecond`).
 */
export function bytemarkTaskQueue(workflowTaskQueue: string = TICKET_CACHE_TASK_QUEUE): string {
  return `${workflowTaskQueue}.bytemark-api`;
}

export const HOURLY_SCHEDULE_ID = 'bytemark-ticket-cache-hourly';
export const REFRESH_QUEUE_SCHEDULE_ID = 'bytemark-refresh-log-queue';

/** One refresh per user at a time: every caller derives the id from this function. */
export function refreshWorkflowId(userId: number): string {
  return `bytemark-ticket-cache-${userId}`;
}

export function sweepWorkflowId(startedBy: string): string {
  return `bytemark-ticket-cache-sweep-${startedBy}`;
}

export function bootstrapWorkflowId(): string {
  return 'bytemark-ticket-cache-bootstrap';
}

export function ingestWorkflowId(batchId: string): string {
  return `hntb-pass-ingest-${batchId}`;
}

/** Custom search attributes; `tools/` and the scheduler register them on servers that lack them. */
export const SEARCH_ATTRIBUTES = {
  userId: { name: 'BytemarkUserId', type: 'Int' },
  outcome: { name: 'BytemarkRefreshOutcome', type: 'Keyword' },
  trigger: { name: 'BytemarkRefreshTrigger', type: 'Keyword' },
} as const;
