import {
  Worker,
  type ActivityInterceptorsFactory,
  type NativeConnection,
  type WorkerOptions,
} from '@temporalio/worker';
import { activityInterceptors } from '@btc/activities';
import { bytemarkTaskQueue, serverRefreshRate, workflowsPath } from '@btc/workflows';

export interface CreateWorkersOptions {
  connection: NativeConnection;
  namespace: string;
  /** The workflows' queue; the Bytemark queue is derived from it. */
  taskQueue: string;
  /** Per queue (`Activities` from `@btc/activities`): the workflows' queue, and the rate-limited Bytemark queue (user refreshes). */
  activities: { bytemark: object; ticketCache: object };
  /** Global Bytemark rate limit in calls per second, enforced by the server across every worker of the queue. */
  rateLimitRps: number;
  maxConcurrentActivities: number;
  /** A pre-built bundle (production); without it the workflows are bundled at start (development, tests). */
  workflowBundlePath?: string;
  /** Another workflow entry point than the service's (the bench's ceiling bundles the service's workflows with its own). */
  workflowsPath?: string;
  /** On shutdown: how long running activities may finish, then how long before the SDK forces the stop. */
  shutdown?: { graceSeconds: number; forceSeconds: number };
  /** Activity interceptors after the service's own (failure map, heartbeats): the bench counts heartbeats. */
  extraActivityInterceptors?: ActivityInterceptorsFactory[];
}

/**
 * Workflows the worker keeps in its cache. The hourly path keeps few open at once (the sweep and its
 * running batches); the rest are per-user refreshes, which last seconds. Set explicitly: the SDK's
 * default is sized from the heap limit and keeps thousands of finished-but-cached runs in memory.
 */
export const MAX_CACHED_WORKFLOWS = 200;

/**
 * The two workers of the service: workflows and database activities on `taskQueue`, and the user
 * refreshes (which call Bytemark) on their own queue with `maxTaskQueueActivitiesPerSecond`.
 */
export async function createWorkers(options: CreateWorkersOptions): Promise<[Worker, Worker]> {
  const { connection, namespace, taskQueue, activities } = options;
  const common: Partial<WorkerOptions> = {
    interceptors: { activity: [activityInterceptors, ...(options.extraActivityInterceptors ?? [])] },
    ...(options.shutdown
      ? {
          shutdownGraceTime: `${options.shutdown.graceSeconds} seconds`,
          shutdownForceTime: `${options.shutdown.forceSeconds} seconds`,
        }
      : {}),
  };
  const workflowSource: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> = options.workflowBundlePath
    ? { workflowBundle: { codePath: options.workflowBundlePath } }
    : { workflowsPath: options.workflowsPath ?? workflowsPath };
  const ticketCache = await Worker.create({
    ...common,
    connection,
    namespace,
    taskQueue,
    ...workflowSource,
    activities: activities.ticketCache,
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities,
    maxCachedWorkflows: MAX_CACHED_WORKFLOWS,
  });
  const bytemark = await Worker.create({
    ...common,
    connection,
    namespace,
    taskQueue: bytemarkTaskQueue(taskQueue),
    activities: activities.bytemark,
    maxTaskQueueActivitiesPerSecond: serverRefreshRate(options.rateLimitRps),
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities,
  });
  return [ticketCache, bytemark];
}

/** Runs both workers until either stops (shutdown signal or fatal error), then stops the other. */
export async function runWorkers(workers: Worker[]): Promise<void> {
  const runs = workers.map((w) => w.run());
  try {
    await Promise.race(runs);
  } finally {
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    await Promise.allSettled(runs);
  }
}
