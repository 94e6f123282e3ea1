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

/**
 * A batch of a sweep, named after the sweep, its first run (continue-as-new keeps it) and the
 * batch's first user, so that ids are unique across sweeps and a retried start finds its batch.
 */
export function batchWorkflowId(p: { sweepWorkflowId: string; sweepFirstRunId: string; firstUserId: number }): string {
  return `${p.sweepWorkflowId}-${p.sweepFirstRunId.slice(0, 8)}-batch-${p.firstUserId}`;
}

/** The activity id of a user's refresh inside a batch: what an operator looks for in the batch's history. */
export function userActivityId(userId: number): string {
  return `user-${userId}`;
}

/** Where a refresh ran: a per-user run, or one activity of a batch run. */
export interface RefreshRef {
  workflowId: string;
  runId: string;
  activityId?: string;
}

/**
 * A refresh's id, `<workflowId>/<runId>[/<activityId>]`: the activity's idempotency key, and what the
 * refresh state keeps so that `cli status` can link to the run (workflow ids here never hold a `/`).
 */
export function refreshId(ref: RefreshRef): string {
  return [ref.workflowId, ref.runId, ...(ref.activityId ? [ref.activityId] : [])].join('/');
}

/** The inverse of `refreshId`; null for anything else (e.g. a refresh made outside Temporal). */
export function parseRefreshId(id: string): RefreshRef | null {
  const [workflowId, runId, activityId, ...rest] = id.split('/');
  if (!workflowId || !runId || rest.length > 0) return null;
  return activityId ? { workflowId, runId, activityId } : { workflowId, runId };
}

/**
 * The one workflow (per task queue: one per deployment) that gathers the failures of refreshes outside
 * the hourly sweep into a Slack message per window.
 */
export function onDemandAlertsWorkflowId(workflowTaskQueue: string = TICKET_CACHE_TASK_QUEUE): string {
  const suffix = workflowTaskQueue === TICKET_CACHE_TASK_QUEUE ? '' : `-${workflowTaskQueue}`;
  return `bytemark-ticket-cache-alerts-on-demand${suffix}`;
}

/** One purge per user at a time: a second `cache purge` while one runs attaches to it. */
export function purgeWorkflowId(userId: number): string {
  return `bytemark-ticket-cache-purge-${userId}`;
}

export function bootstrapWorkflowId(): string {
  return 'bytemark-ticket-cache-bootstrap';
}

export function ingestWorkflowId(batchId: string): string {
  return `hntb-pass-ingest-${batchId}`;
}

/** The sweep's query for its progress. */
export const SWEEP_PROGRESS_QUERY = 'progress';

/** The purge's query for its progress (the first pass's counts as soon as it is done). */
export const PURGE_PROGRESS_QUERY = 'purgeProgress';

/** Sent to a user's running refresh: fetch again once the current fetch is done (a fetch that started after the request). */
export const REFRESH_REQUESTED_SIGNAL = 'refreshRequested';

/** Sent to the on-demand alerts workflow: a refresh outside the hourly sweep failed. */
export const REFRESH_FAILED_SIGNAL = 'refreshFailed';

/** Custom search attributes; `tools/` and the scheduler register them on servers that lack them. */
export const SEARCH_ATTRIBUTES = {
  userId: { name: 'BytemarkUserId', type: 'Int' },
  /** On batch workflows: every user id of the batch, so `BytemarkUserIds = '42'` finds user 42's hourly refresh. */
  userIds: { name: 'BytemarkUserIds', type: 'KeywordList' },
  outcome: { name: 'BytemarkRefreshOutcome', type: 'Keyword' },
  trigger: { name: 'BytemarkRefreshTrigger', type: 'Keyword' },
} as const;

/** The failure type of a workflow started with input it cannot run (a non-positive batch size, ...). */
export const INVALID_INPUT_FAILURE = 'InvalidWorkflowInput';

/** The failure type of an ingestion started with neither or both of rows and a staging key, or too many rows inline. */
export const INVALID_INGEST_INPUT_FAILURE = 'InvalidIngestInput';

/**
 * Task-queue priority keys (1 highest, 5 lowest; Temporal's default is 3): riders first, then rows
 * of the refresh-log queue, then the sweeps. Set on the runs, inherited by their activities and
 * children, and followed by the Bytemark call pacer's lanes.
 */
export const PRIORITY = { rider: 1, queue: 3, sweep: 5 } as const;

/**
 * Bytemark calls one user refresh makes: v1 and v4, one page each. The server's rate limit counts
 * activities, so the Bytemark queue dispatches about `limit / 2` refreshes per second.
 */
export const CALLS_PER_REFRESH = 2;

/**
 * The share of the limit's refreshes the server dispatches (`maxTaskQueueActivitiesPerSecond`, and
 * what `cli bytemark rate-limit` sets on the queue): a little under the pacer's share (`PACE_SHARE`,
 * 0.95), so the backlog forms in Temporal's matcher, which orders it by priority, and not in the
 * call pacer, where a sweep activity would hold a worker slot while a rider's waits for one. The
 * pacer stays the exact ceiling (re-logins and extra pages are calls the server does not count).
 */
export const SERVER_RATE_SHARE = 0.92;

/** The server-side dispatch rate for a Bytemark limit of `callsPerSecond`: refreshes per second. */
export function serverRefreshRate(callsPerSecond: number): number {
  return (callsPerSecond / CALLS_PER_REFRESH) * SERVER_RATE_SHARE;
}

/** The operator's command that changes the Bytemark rate limit live (the sweep's overload alert names it). */
export const RATE_LIMIT_CLI_COMMAND = 'npm run cli -- bytemark rate-limit';

/** Minutes into its hour after which a sweep starts no more users (its window then lets the last ones finish). */
export const SWEEP_START_USERS_MINUTES = 45;
