/**
 * Warms a freshly started worker (workflow sandbox, connections, JIT) the way an always-running
 * production worker is warm: a few per-user workflows run directly, before the phase's clock starts.
 */
import type { BenchEnvironment } from '../environment';
import { forEachLimit } from '../environment';
import { refreshWorkflowId } from '@btc/workflows';
import type { CeilingUserInput } from '../ceiling.workflows';

/** Enough to warm the worker; the quick run uses fewer. */
const WARM_UP_USERS = 40;

export async function warmUpOurs(env: BenchEnvironment, taskQueue: string): Promise<void> {
  await env.admin.setSettings({ latency: { fixedMs: 0, jitterMs: 0 }, rateLimitRps: 0 });
  await forEachLimit(env.userIds.slice(0, WARM_UP_USERS), 20, (userId) =>
    env.client.workflow.execute('refreshTicketCacheWorkflow', {
      taskQueue,
      workflowId: refreshWorkflowId(userId),
      args: [{ userId, mode: 'build', trigger: 'bench' }],
    }),
  );
}

export async function warmUpCeiling(env: BenchEnvironment, taskQueue: string, bytemarkQueue: string): Promise<void> {
  const ids = Array.from({ length: Math.min(WARM_UP_USERS, env.userIds.length) }, (_, i) => i);
  await forEachLimit(ids, 20, (i) => {
    const input: CeilingUserInput = { userId: i, changed: i % 10 === 0, bytemarkQueue };
    return env.client.workflow.execute('ceilingUserWorkflow', {
      taskQueue,
      workflowId: `bench-ceiling-warm-up-${taskQueue}-${i}`,
      args: [input],
    });
  });
}
