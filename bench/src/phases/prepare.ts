/**
 * Untimed preparation: builds every user's cache once, with the real refresh activity called
 * in-process (no Temporal), so each measured phase starts from the steady state of an hourly
 * refresh: a cache per user and its refresh state.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { createUserRefreshActivities } from '@btc/activities';
import { createLogger } from '@btc/config';
import { forEachLimit } from '@btc/tools';
import { temporalLogger } from '@btc/worker-runtime';
import type { BenchEnvironment } from '../environment';

/** Users prepared at once: the databases, not the simulator (no latency while preparing), bound it. */
const PREPARE_CONCURRENCY = 24;

export async function buildAllCaches(env: BenchEnvironment): Promise<void> {
  await env.admin.setSettings({ latency: { fixedMs: 0, jitterMs: 0 }, rateLimitRps: 0 });
  const { refreshUserTickets } = createUserRefreshActivities(env.dependencies.deps);
  // Warnings only, through the one serializer: the refresh line of every prepared user would bury the bench's output.
  const logger = temporalLogger(createLogger({ name: 'bench-prepare', env: { ...process.env, LOG_LEVEL: 'warn' } }));
  await forEachLimit(env.userIds, PREPARE_CONCURRENCY, (userId) =>
    new MockActivityEnvironment(undefined, { logger }).run(refreshUserTickets, {
      userId,
      mode: 'build' as const,
      trigger: 'bench' as const,
      refreshId: `bench-prepare/${userId}`,
    }),
  );
}
