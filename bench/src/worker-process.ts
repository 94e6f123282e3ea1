/**
 * The benchmark's worker, in its own process so its peak RSS can be read. Configured like the
 * worker app (environment, `loadWorkerConfig`), plus:
 *   WORKER_TASK_QUEUE   the bench's queue
 *   BENCH_WORKER_KIND   'ours' (the real workflows and activities) | 'ceiling' (no-op workflows and activities)
 * Prints `worker-ready` when polling. On SIGUSR2 the 'ours' worker prints `writes <json>`: MongoDB
 * writes per user counted at the repositories (see write-counter.ts).
 */
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { activitiesFrom, buildDependencies, createWorkers, loadWorkerConfig, runWorkers } from '@btc/worker';
import { bytemarkTaskQueue } from '@btc/workflows';
import { createCeilingActivities, createCeilingBytemarkActivities } from './ceiling.activities';
import { countMongoWrites } from './write-counter';

async function ceilingWorkers(
  connection: NativeConnection,
  namespace: string,
  taskQueue: string,
  rateLimitRps: number,
  maxConcurrent: number,
) {
  const workflows = await Worker.create({
    connection,
    namespace,
    taskQueue,
    workflowsPath: require.resolve('./ceiling.workflows'),
    activities: createCeilingActivities(),
    maxConcurrentActivityTaskExecutions: maxConcurrent,
  });
  const bytemark = await Worker.create({
    connection,
    namespace,
    taskQueue: bytemarkTaskQueue(taskQueue),
    activities: createCeilingBytemarkActivities(),
    maxTaskQueueActivitiesPerSecond: rateLimitRps,
    maxConcurrentActivityTaskExecutions: maxConcurrent,
  });
  return [workflows, bytemark];
}

async function main(): Promise<void> {
  // SIGUSR2 is one of the SDK's default shutdown signals; here it asks for the write counts instead.
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: ['SIGINT', 'SIGTERM'] });
  const config = loadWorkerConfig();
  const taskQueue = process.env['WORKER_TASK_QUEUE'];
  if (!taskQueue) throw new Error('WORKER_TASK_QUEUE is required');
  const kind = process.env['BENCH_WORKER_KIND'] ?? 'ours';
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const { namespace } = config.temporal;
  let close = async () => {};
  let workers: Worker[];
  if (kind === 'ceiling') {
    workers = await ceilingWorkers(
      connection,
      namespace,
      taskQueue,
      config.bytemark.rateLimitRps,
      config.maxConcurrentActivities,
    );
  } else {
    const dependencies = await buildDependencies(config);
    close = () => dependencies.close();
    const writes = countMongoWrites(dependencies.deps);
    process.on('SIGUSR2', () => process.stdout.write(`writes ${JSON.stringify(writes)}\n`));
    workers = await createWorkers({
      connection,
      namespace,
      taskQueue,
      activities: activitiesFrom(dependencies),
      rateLimitRps: config.bytemark.rateLimitRps,
      maxConcurrentActivities: config.maxConcurrentActivities,
    });
  }
  process.stdout.write('worker-ready\n');
  try {
    await runWorkers(workers);
  } finally {
    await connection.close();
    await close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench worker-process: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
