/**
 * A real worker in its own process, for crash tests: the test SIGKILLs it at a chosen point and
 * starts another. Configured like the worker app (environment), plus:
 *   WORKER_TASK_QUEUE  the test's queue
 *   CRASH_POINT        'after-cache-commit' | 'during-log-writes' | 'before-free-ticket-row' | unset
 * At a crash point the process kills itself with SIGKILL, so nothing after that point runs.
 */
import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { createLogger, loadConfig } from '@btc/config';
import { WORKER_CONFIG_SECTIONS } from '../worker-config';
import { activitiesFrom, buildDependencies } from '../dependencies';
import { temporalLogger } from '../loggers';
import { createWorkers, runWorkers } from '../workers';

function crash(): never {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
}

// The worker's logger setup, on stderr (stdout carries `worker-ready` to the test).
const logger = createLogger({
  name: 'worker-process',
  env: { LOG_LEVEL: 'warn', ...process.env },
  destination: process.stderr,
});

async function main(): Promise<void> {
  Runtime.install({
    logger: temporalLogger(logger),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } },
  });
  const config = loadConfig(process.env, WORKER_CONFIG_SECTIONS);
  const taskQueue = process.env['WORKER_TASK_QUEUE'];
  if (!taskQueue) throw new Error('WORKER_TASK_QUEUE is required');
  const crashPoint = process.env['CRASH_POINT'];
  const dependencies = await buildDependencies(config, { logger });
  const { deps } = dependencies;

  if (crashPoint === 'after-cache-commit') {
    // The cache document (with its pending effects) is written; nothing after it runs.
    const commit = deps.cache.commit.bind(deps.cache);
    deps.cache.commit = async (...args) => {
      const committed = await commit(...args);
      if (committed) crash();
      return committed;
    };
  } else if (crashPoint === 'during-log-writes') {
    // Half of the audit entries are written, then the process dies before the rest and the refresh-log row.
    const insertMany = deps.logs.insertMany.bind(deps.logs);
    deps.logs.insertMany = async (filter, entries) => {
      await insertMany(filter, entries.slice(0, Math.ceil(entries.length / 2)));
      crash();
    };
  } else if (crashPoint === 'before-free-ticket-row') {
    // Every audit entry is written; the process dies before the free-ticket row.
    deps.refreshLog.recordFreeTickets = async () => crash();
  }

  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const workers = await createWorkers({
    connection,
    namespace: config.temporal.namespace,
    taskQueue,
    activities: activitiesFrom(dependencies),
    rateLimitRps: config.bytemark.rateLimitRps,
    maxConcurrentActivities: config.maxConcurrentActivities,
  });
  process.stdout.write('worker-ready\n');
  try {
    await runWorkers(workers);
  } finally {
    await connection.close();
    await dependencies.close();
  }
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, 'worker process failed');
  process.exit(1);
});
