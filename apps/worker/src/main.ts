import { TICKET_CACHE_TASK_QUEUE } from '@btc/workflows';
import { createLogger, loadConfig } from '@btc/config';
import { WORKER_CONFIG_SECTIONS, installRuntime, startWorker } from '@btc/worker-runtime';
import { prebuiltWorkflowBundle } from './workflow-bundle';

// Readable lines in a terminal, JSON in production; every error through the one serializer.
const logger = createLogger({ name: 'worker', env: process.env });

async function main(): Promise<void> {
  const config = loadConfig(process.env, [...WORKER_CONFIG_SECTIONS, 'runtime']);
  // Before any connection: a production worker without the prebuilt bundle stops here, naming the file.
  const workflowBundlePath = prebuiltWorkflowBundle({ production: config.production });
  installRuntime({ logger, sdkMetricsAddress: config.sdkMetricsAddress });
  const worker = await startWorker({
    config,
    logger,
    taskQueue: TICKET_CACHE_TASK_QUEUE,
    workflowBundlePath,
    // Before polling: a key that cannot decrypt the stored tokens stops the start, naming the key id.
    checkKeyring: 'The worker refuses to start with it',
    serve: true,
    sdkMetricsAddress: config.sdkMetricsAddress,
  });
  logger.info(
    {
      taskQueue: TICKET_CACHE_TASK_QUEUE,
      temporal: config.temporal.description,
      healthPort: config.healthPort,
      metricsPort: config.metricsPort,
      shutdown: config.shutdown,
    },
    'worker running',
  );
  await worker.run();
  logger.info('worker stopped');
}

main().catch((error: unknown) => {
  logger.error({ err: error }, 'worker stopped');
  // Exit now: the Temporal runtime (its metrics exporter) must not keep a failed worker alive.
  process.exit(1);
});
