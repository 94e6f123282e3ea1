/**
 * The benchmark's worker, in its own process so its peak RSS can be read. Configured like the
 * worker app (its environment, `loadConfig` with `WORKER_CONFIG_SECTIONS`) and built with the same
 * `createWorkers` (same settings for both kinds), plus:
 *   WORKER_TASK_QUEUE   the bench's queue
 *   BENCH_WORKER_KIND   'ours' (the real workflows and activities) | 'ceiling' (no-op activities)
 *   BENCH_USER_RANGE    'first,last,changedFraction' (ceiling: which users exist and which changed)
 *   WORKFLOW_BUNDLE     the prebuilt workflow bundle to load (workflow-bundles.ts)
 * Prints `worker-ready` when polling. On SIGUSR2 it prints `counts <json>`: MongoDB writes per user
 * counted at the repositories ('ours'; see write-counter.ts) and heartbeat calls (both kinds).
 */
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { createLogger, loadConfig } from '@btc/config';
import { WORKER_CONFIG_SECTIONS, installRuntime, startWorker } from '@btc/worker-runtime';
import { createCeilingActivities, createCeilingBytemarkActivities } from './ceiling.activities';
import { countMongoWrites, type WriteCounts } from './write-counter';

// Warnings and errors only, on stderr (stdout carries `worker-ready` and the counts to the bench).
const logger = createLogger({
  name: 'bench-worker',
  env: { LOG_LEVEL: 'warn', ...process.env },
  destination: process.stderr,
});

/** Counts `heartbeat()` calls of every activity (an upper bound of the heartbeats that reach the server). */
function countHeartbeats(counter: { heartbeats: number }): ActivityInterceptorsFactory {
  return (context) => {
    const heartbeat = context.heartbeat.bind(context);
    Object.defineProperty(context, 'heartbeat', {
      configurable: true,
      value: (details?: unknown) => {
        counter.heartbeats += 1;
        heartbeat(details);
      },
    });
    return {};
  };
}

function userRange() {
  const [first, last, fraction] = (process.env['BENCH_USER_RANGE'] ?? '').split(',').map(Number);
  if (!Number.isFinite(first) || !Number.isFinite(last))
    throw new Error('BENCH_USER_RANGE is required for the ceiling');
  return { firstUserId: first!, lastUserId: last!, changedFraction: fraction ?? 0 };
}

async function main(): Promise<void> {
  // SIGUSR2 is one of the SDK's default shutdown signals; here it asks for the counts instead.
  installRuntime({ logger, shutdownSignals: ['SIGINT', 'SIGTERM'] });
  const config = loadConfig(process.env, WORKER_CONFIG_SECTIONS);
  const taskQueue = process.env['WORKER_TASK_QUEUE'];
  if (!taskQueue) throw new Error('WORKER_TASK_QUEUE is required');
  const counter = { heartbeats: 0 };
  let writes: WriteCounts = {};
  const ceiling = process.env['BENCH_WORKER_KIND'] === 'ceiling' ? userRange() : null;
  const worker = await startWorker({
    config,
    logger,
    taskQueue,
    ...(ceiling
      ? {
          activities: {
            bytemark: createCeilingBytemarkActivities(ceiling),
            ticketCache: createCeilingActivities(ceiling),
          },
        }
      : { prepare: (dependencies) => (writes = countMongoWrites(dependencies.deps)) }),
    extraActivityInterceptors: [countHeartbeats(counter)],
    ...(process.env['WORKFLOW_BUNDLE'] ? { workflowBundlePath: process.env['WORKFLOW_BUNDLE'] } : {}),
  });
  process.on('SIGUSR2', () =>
    process.stdout.write(`counts ${JSON.stringify({ writes, heartbeats: counter.heartbeats })}\n`),
  );
  process.stdout.write('worker-ready\n');
  await worker.run();
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, 'bench worker process failed');
  process.exit(1);
});
