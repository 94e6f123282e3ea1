/**
 * A real worker in its own process, for crash tests: the test SIGKILLs it at a chosen point and
 * starts another. Configured like the worker app (environment, the one bootstrap), plus:
 *   WORKER_TASK_QUEUE  the test's queue
 *   CRASH_POINT        'after-cache-commit' | 'during-log-writes' | 'before-free-ticket-row' | unset
 *   WORKER_SERVE       '1': serve health and metrics on the configured ports (off by default: tests run several)
 * At a crash point the process kills itself with SIGKILL, so nothing after that point runs.
 */
import { createLogger, loadConfig } from '@btc/config';
import type { WorkerDependencies } from '../dependencies';
import { installRuntime } from '../runtime';
import { startWorker } from '../start-worker';
import { WORKER_CONFIG_SECTIONS } from '../worker-config';

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

function installCrashPoint({ deps }: WorkerDependencies, crashPoint: string | undefined): void {
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
}

async function main(): Promise<void> {
  const config = loadConfig(process.env, WORKER_CONFIG_SECTIONS);
  const taskQueue = process.env['WORKER_TASK_QUEUE'];
  if (!taskQueue) throw new Error('WORKER_TASK_QUEUE is required');
  const serve = process.env['WORKER_SERVE'] === '1';
  installRuntime({ logger, ...(serve ? { sdkMetricsAddress: config.sdkMetricsAddress } : {}) });
  const worker = await startWorker({
    config,
    logger,
    taskQueue,
    prepare: (dependencies) => installCrashPoint(dependencies, process.env['CRASH_POINT']),
    serve,
    ...(serve ? { sdkMetricsAddress: config.sdkMetricsAddress } : {}),
  });
  process.stdout.write('worker-ready\n');
  await worker.run();
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, 'worker process failed');
  process.exit(1);
});
