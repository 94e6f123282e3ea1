/**
 * Warms a freshly started worker (workflow sandbox, connections, JIT) the way an always-running
 * production worker is warm: a few refreshes, before the phase's clock starts.
 */
import { refreshWorkflowId } from '@btc/workflows';
import { refreshTicketCacheBatchWorkflow, refreshTicketCacheWorkflow } from '@btc/workflows/workflows';
import { ceilingUserWorkflow, type CeilingUserInput } from '../ceiling.workflows';
import type { BenchEnvironment } from '../environment';
import { forEachLimit } from '@btc/tools';
import type { BenchOptions } from '../options';

/** Enough to warm the worker; the quick run uses fewer. */
const WARM_UP_USERS = 40;

export async function warmUpOurs(env: BenchEnvironment, taskQueue: string): Promise<void> {
  await env.admin.setSettings({ latency: { fixedMs: 0, jitterMs: 0 }, rateLimitRps: 0 });
  await forEachLimit(env.userIds.slice(0, WARM_UP_USERS), 20, (userId) =>
    env.client.workflow.execute(refreshTicketCacheWorkflow, {
      taskQueue,
      workflowId: refreshWorkflowId(userId),
      args: [{ userId, mode: 'check', trigger: 'bench' }],
    }),
  );
}

export async function warmUpCeiling(
  env: BenchEnvironment,
  options: BenchOptions,
  taskQueue: string,
  bytemarkQueue: string,
): Promise<void> {
  const userIds = env.userIds.slice(0, WARM_UP_USERS);
  if (options.ceilingShape === 'batch') {
    await env.client.workflow.execute(refreshTicketCacheBatchWorkflow, {
      taskQueue,
      workflowId: `bench-ceiling-warm-up-${taskQueue}`,
      args: [{ userIds, mode: 'if-stale', trigger: 'bench', maxInFlight: options.maxInFlight }],
    });
    return;
  }
  await forEachLimit(userIds, 20, (userId) => {
    const input: CeilingUserInput = {
      shape: options.ceilingShape as CeilingUserInput['shape'],
      userId,
      changed: false,
      bytemarkQueue,
    };
    return env.client.workflow.execute(ceilingUserWorkflow, {
      taskQueue,
      workflowId: `bench-ceiling-warm-up-${taskQueue}-${userId}`,
      args: [input],
    });
  });
}
