import { TICKET_CACHE_TASK_QUEUE } from '@btc/workflows';
import { connectClient, createLogger, loadConfig } from '@btc/config';
import { SETUP_CONFIG_SECTIONS } from './config';
import { runSchedulerSetup } from './setup';

const logger = createLogger({ name: 'scheduler', env: process.env });

/**
 * Ensures the schedules and starts the bootstrap, then exits. The Schedules live in Temporal and
 * fire on their own, so nothing needs to stay running: run this on every deploy (it is idempotent).
 */
async function main(): Promise<void> {
  const config = loadConfig(process.env, SETUP_CONFIG_SECTIONS);
  const client = await connectClient(config.temporal);
  try {
    const report = await runSchedulerSetup(client, config.temporal.namespace, {
      taskQueue: TICKET_CACHE_TASK_QUEUE,
      maxInFlight: config.sweepMaxInFlight,
    });
    logger.info(report, 'schedules ensured; bootstrap started (it does nothing when caches exist)');
  } finally {
    await client.connection.close();
  }
}

main().catch((error: unknown) => {
  logger.error({ err: error }, 'scheduler setup failed');
  process.exitCode = 1;
});
