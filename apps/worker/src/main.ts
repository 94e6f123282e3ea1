import { createServer } from 'node:http';
import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { TICKET_CACHE_TASK_QUEUE } from '@btc/workflows';
import pino from 'pino';
import { loadConfig } from '@btc/config';
import {
  WORKER_CONFIG_SECTIONS,
  activitiesFrom,
  buildDependencies,
  createWorkers,
  runWorkers,
} from '@btc/worker-runtime';
import { prebuiltWorkflowBundle } from './workflow-bundle';

const logger = pino({ name: 'worker' });

async function main(): Promise<void> {
  const config = loadConfig(process.env, [...WORKER_CONFIG_SECTIONS, 'runtime']);
  // Before any connection: a production worker without the prebuilt bundle stops here, naming the file.
  const workflowBundlePath = prebuiltWorkflowBundle({ production: config.production });
  Runtime.install({
    logger: {
      log: (level, message, meta) =>
        logger[level === 'TRACE' ? 'trace' : (level.toLowerCase() as 'info')](meta ?? {}, message),
      trace: (m, meta) => logger.trace(meta ?? {}, m),
      debug: (m, meta) => logger.debug(meta ?? {}, m),
      info: (m, meta) => logger.info(meta ?? {}, m),
      warn: (m, meta) => logger.warn(meta ?? {}, m),
      error: (m, meta) => logger.error(meta ?? {}, m),
    },
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) },
      metrics: { prometheus: { bindAddress: `0.0.0.0:${config.metricsPort}` } },
    },
  });
  const deps = await buildDependencies(config);
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const workers = await createWorkers({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: TICKET_CACHE_TASK_QUEUE,
    activities: activitiesFrom(deps),
    rateLimitRps: config.bytemark.rateLimitRps,
    maxConcurrentActivities: config.maxConcurrentActivities,
    workflowBundlePath,
  });

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
  logger.error(
    { err: error instanceof Error ? { type: error.name, message: error.message } : String(error) },
    'worker stopped',
  );
  process.exitCode = 1;
});
