/**
 * Untimed preparation: builds every user's cache once, with the real refresh activity called
 * in-process (no Temporal), so each measured phase starts from the steady state of an hourly
 * refresh: a cache per user and its refresh state.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createUserRefreshActivities } from '@btc/activities';
import { forEachLimit } from '@btc/tools';
import type { BenchEnvironment } from '../environment';

export async function buildAllCaches(env: BenchEnvironment): Promise<void> {
  await env.admin.setSettings({ latency: { fixedMs: 0, jitterMs: 0 }, rateLimitRps: 0 });
  const { refreshUserTickets } = createUserRefreshActivities(env.dependencies.deps);
  await forEachLimit(env.userIds, 8, (userId) =>
    // Warnings only: the refresh line of every prepared user would bury the bench's output.
    new MockActivityEnvironment(undefined, { logger: new DefaultLogger('WARN') }).run(refreshUserTickets, {
      userId,
      mode: 'build' as const,
      trigger: 'bench' as const,
      refreshId: `bench-prepare/${userId}`,
    }),
  );
}
