import { TICKET_CACHE_TASK_QUEUE } from '@btc/workflows';
import { SearchAttributesMissingError } from '@btc/schedules';
import { TemporalConnectionError, connectClient, createLogger, loadConfig } from '@btc/config';
import { SETUP_CONFIG_SECTIONS } from './config';
import { SetupInterruptedError, runSchedulerSetup } from './setup';

const logger = createLogger({ name: 'scheduler', env: process.env });

/** The exit code of a run stopped by a signal, as a shell reports it (128 + the signal's number). */
const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

// A rollout sends SIGTERM (and SIGKILL 10-30 s later): finish the step that runs, start no other.
const stop = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    logger.warn({ signal }, 'stopping after the current setup step');
    stop.abort(signal);
  });
}

/**
 * Ensures the schedules and starts the bootstrap, then exits. The Schedules live in Temporal and
 * fire on their own, so nothing needs to stay running: run this on every deploy (it is idempotent).
 */
async function main(): Promise<void> {
  const config = loadConfig(process.env, SETUP_CONFIG_SECTIONS);
  const client = await connectClient(config.temporal);
  try {
    const report = await runSchedulerSetup(
      client,
      config.temporal.namespace,
      { taskQueue: TICKET_CACHE_TASK_QUEUE, maxInFlight: config.sweepMaxInFlight },
      stop.signal,
    );
    logger.info(report, 'schedules ensured; bootstrap started (it does nothing when caches exist)');
  } finally {
    await client.connection.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof SetupInterruptedError) {
    logger.warn({ done: error.done, notRun: error.notRun }, error.message);
    process.exitCode = SIGNAL_EXIT[error.signal] ?? 1;
    return;
  }
  logger.error({ err: error }, 'scheduler setup failed');
  // The commands that add the attributes, as lines an operator can copy (the log line holds them escaped).
  if (error instanceof SearchAttributesMissingError) process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
  // grpc-js goes on retrying a failed connection until its deadline, even once closed: exit now, not then.
  if (error instanceof TemporalConnectionError) process.exit();
});
