/**
 * Untimed preparation: builds every user's cache once, with the real activities called in-process
 * (no Temporal), so each measured phase starts from the steady state of an hourly refresh: a cache
 * per user with its source list hashes.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '@btc/activities';
import { refreshWorkflowId } from '@btc/workflows';
import { forEachLimit, type BenchEnvironment } from '../environment';

export async function buildAllCaches(env: BenchEnvironment): Promise<void> {
  await env.admin.setSettings({ latency: { fixedMs: 0, jitterMs: 0 }, rateLimitRps: 0 });
  const { bytemark, ticketCache } = createActivities(env.dependencies.deps);
  const run = <I, O>(fn: (input: I) => Promise<O>, input: I): Promise<O> =>
    new MockActivityEnvironment().run(fn as (...args: unknown[]) => Promise<O>, input);
  await forEachLimit(env.userIds, 8, async (userId) => {
    const refreshId = `${refreshWorkflowId(userId)}/bench-prepare`;
    const [v1, v4] = await Promise.all(
      (['passes', 'passes4'] as const).map((source) =>
        run(bytemark.fetchPasses, { userId, source, stagingKey: `${refreshId}/${source}`, skipIfHash: null }),
      ),
    );
    const result = await run(ticketCache.reconcileTicketCache, {
      userId,
      refreshId,
      mode: 'build',
      passesKey: v1!.stagingKey,
      passes4Key: v4!.stagingKey,
      now: Math.floor(Date.now() / 1000),
    });
    if (result.changesKey)
      await run(ticketCache.writeRefreshLogs, { userId, refreshId, changesKey: result.changesKey });
    const keys = [v1!.stagingKey, v4!.stagingKey, result.changesKey].filter((k): k is string => k !== null);
    await run(ticketCache.discardStaging, { keys });
  });
}
