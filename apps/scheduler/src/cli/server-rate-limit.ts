import { status as GrpcStatus } from '@grpc/grpc-js';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { formatError } from '@btc/config';

const { TaskQueueType, TaskQueueKind, RateLimitSource } = temporal.api.enums.v1;

/** The Temporal server's dispatch limit of an activity task queue, as `temporal task-queue config get` shows it. */
export interface ServerRateLimit {
  taskQueue: string;
  /** Set through the API (`bytemark rate-limit`, `temporal task-queue config set`); null: none, the workers' own applies. */
  apiRefreshesPerSecond: number | null;
  /** What the server enforces now, and where it comes from (api, worker, system); null before the queue was loaded. */
  effectiveRefreshesPerSecond: number | null;
  source: 'api' | 'worker' | 'system' | null;
  reason: string | null;
}

/** What setting the server's limit did: applied, or why not. */
export type ServerRateLimitUpdate =
  { applied: true; limit: ServerRateLimit } | { applied: false; unsupported: boolean; reason: string };

const SOURCES: Record<number, ServerRateLimit['source']> = {
  [RateLimitSource.RATE_LIMIT_SOURCE_API]: 'api',
  [RateLimitSource.RATE_LIMIT_SOURCE_WORKER]: 'worker',
  [RateLimitSource.RATE_LIMIT_SOURCE_SYSTEM]: 'system',
};

/** Codes a server answers with when it does not offer task-queue config (older, disabled, or not permitted). */
const UNSUPPORTED = new Set<number>([
  GrpcStatus.UNIMPLEMENTED,
  GrpcStatus.PERMISSION_DENIED,
  GrpcStatus.FAILED_PRECONDITION,
]);

export async function readServerRateLimit(client: Client, taskQueue: string): Promise<ServerRateLimit> {
  const r = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    reportConfig: true,
  });
  const api = r.config?.queueRateLimit;
  const effective = r.effectiveRateLimit;
  return {
    taskQueue,
    apiRefreshesPerSecond: api?.rateLimit ? float32(api.rateLimit.requestsPerSecond) : null,
    effectiveRefreshesPerSecond: effective?.requestsPerSecond == null ? null : float32(effective.requestsPerSecond),
    source: SOURCES[effective?.rateLimitSource ?? -1] ?? null,
    reason: api?.metadata?.reason || null,
  };
}

/**
 * Sets (or, with null, removes) the API rate limit of the activity task queue `taskQueue`: it
 * overrides the workers' `maxTaskQueueActivitiesPerSecond` on every worker at once, live. A server
 * that does not offer it is reported, not thrown: the call pacer still follows the limit.
 */
export async function setServerRateLimit(
  client: Client,
  taskQueue: string,
  refreshesPerSecond: number | null,
  reason: string,
): Promise<ServerRateLimitUpdate> {
  try {
    await client.workflowService.updateTaskQueueConfig({
      namespace: client.options.namespace,
      identity: client.options.identity,
      taskQueue,
      taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
      updateQueueRateLimit: {
        ...(refreshesPerSecond === null ? {} : { rateLimit: { requestsPerSecond: refreshesPerSecond } }),
        reason: reason.slice(0, 200),
      },
    });
    return { applied: true, limit: await readServerRateLimit(client, taskQueue) };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const message = formatError(error)[0] ?? String(error);
    if (typeof code === 'number' && UNSUPPORTED.has(code))
      return { applied: false, unsupported: true, reason: message };
    return { applied: false, unsupported: false, reason: message };
  }
}

/** The proto's rates are 32-bit floats (18.4 comes back as 18.399999618530273): three decimals are what was set. */
function float32(value: number | null | undefined): number {
  return Math.round(Number(value ?? 0) * 1000) / 1000;
}
