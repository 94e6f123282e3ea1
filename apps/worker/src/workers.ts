import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { Activities } from '@btc/activities';
import { bytemarkTaskQueue, workflowsPath } from '@btc/workflows';

export interface CreateWorkersOptions {
  connection: NativeConnection;
  namespace: string;
  /** The workflows' queue; the Bytemark queue is derived from it. */
  taskQueue: string;
  activities: Activities;
  /** Global Bytemark rate limit, enforced by the server across every worker of the queue. */
  rateLimitRps: number;
  maxConcurrentActivities: number;
  /** A pre-built bundle (production); without it the workflows are bundled at start (development, tests). */
  workflowBundlePath?: string;
}

/**
 * The two workers of the service: workflows and database activities on `taskQueue`, and the
 * Bytemark API activities on their own queue with `maxTaskQueueActivitiesPerSecond`.
 */
export async function createWorkers(options: CreateWorkersOptions): Promise<[Worker, Worker]> {
  const { connection, namespace, taskQueue, activities } = options;
  const workflowSource: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> = options.workflowBundlePath
    ? { workflowBundle: { codePath: options.workflowBundlePath } }
    : { workflowsPath };
  const ticketCache = await Worker.create({
    connection,
    namespace,
    taskQueue,
    ...workflowSource,
    activities: activities.ticketCache,
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities,
  });
  const bytemark = await Worker.create({
    connection,
    namespace,
    taskQueue: bytemarkTaskQueue(taskQueue),
    activities: activities.bytemark,
    maxTaskQueueActivitiesPerSecond: options.rateLimitRps,
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
