import { createServer } from 'node:http';
import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { TICKET_CACHE_TASK_QUEUE } from '@btc/workflows';
import { createLogger, loadConfig } from '@btc/config';
import {
  WORKER_CONFIG_SECTIONS,
  activitiesFrom,
  buildDependencies,
  createWorkers,
  runWorkers,
  temporalLogger,
} from '@btc/worker-runtime';
import { prebuiltWorkflowBundle } from './workflow-bundle';

// Readable lines in a terminal, JSON in production; every error through the one serializer.
const logger = createLogger({ name: 'worker', env: process.env });

async function main(): Promise<void> {
  const config = loadConfig(process.env, [...WORKER_CONFIG_SECTIONS, 'runtime']);
  // Before any connection: a production worker without the prebuilt bundle stops here, naming the file.
  const workflowBundlePath = prebuiltWorkflowBundle({ production: config.production });
  Runtime.install({
    logger: temporalLogger(logger),
    telemetryOptions: {
      // The SDK core's own lines go through the same logger (and serializer) instead of straight to the console.
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
      metrics: { prometheus: { bindAddress: `0.0.0.0:${config.metricsPort}` } },
    },
  });
  const deps = await buildDependencies(config, { logger });
  let connection: NativeConnection | undefined;
  let workers: Awaited<ReturnType<typeof createWorkers>>;
  try {
    // Before polling: a key that cannot decrypt the stored tokens stops the start, naming the key id.
    await deps.deps.tokens.assertKeyringDecrypts('The worker refuses to start with it');
    connection = await NativeConnection.connect({ address: config.temporal.address });
    workers = await createWorkers({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: TICKET_CACHE_TASK_QUEUE,
      activities: activitiesFrom(deps),
      rateLimitRps: config.bytemark.rateLimitRps,
      maxConcurrentActivities: config.maxConcurrentActivities,
      workflowBundlePath,
    });
  } catch (error) {
    // A failed start closes what it opened (an open pool would keep the process alive).
    await Promise.allSettled([connection?.close(), deps.close()]);
    throw error;
  }

  const health = createServer((req, res) => {
    const states = workers.map((w) => w.getState());
    const ok = states.every((s) => s === 'RUNNING');
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok, workers: states }));
  }).listen(config.healthPort, '0.0.0.0');

  logger.info(
    { taskQueue: TICKET_CACHE_TASK_QUEUE, temporal: config.temporal.address, healthPort: config.healthPort },
    'worker running',
  );
  try {
    await runWorkers(workers);
  } finally {
    health.close();
    await connection.close();
    await deps.close();
  }
}

main().catch((error: unknown) => {
  logger.error({ err: error }, 'worker stopped');
  // Exit now: the Temporal runtime (metrics endpoint) must not keep a failed worker alive.
  process.exit(1);
});
