/** CEILING: no-op workflows of the same shape as ours (ceiling.workflows.ts), on a worker with the same settings. */
import { bytemarkTaskQueue } from '@btc/workflows';
import type { CeilingSweepInput } from '../ceiling.workflows';
import type { BenchEnvironment } from '../environment';
import { historyEventsPerUser, listUserRuns, percentile } from '../metrics';
import type { BenchOptions } from '../options';
import type { WorkerHandle } from '../worker-handle';
import type { PhaseResult } from './phase-result';

export async function runCeilingPhase(
  env: BenchEnvironment,
  options: BenchOptions,
  worker: WorkerHandle,
  taskQueue: string,
): Promise<PhaseResult> {
  const startedAt = new Date();
  const input: CeilingSweepInput = {
    firstUserId: env.userIds[0]!,
    lastUserId: env.userIds[env.userIds.length - 1]!,
    changedFraction: options.changedFraction,
    maxInFlight: options.maxInFlight,
    pageSize: 500,
    usersPerRun: 1000,
    bytemarkQueue: bytemarkTaskQueue(taskQueue),
  };
  const t0 = performance.now();
  const result = await env.client.workflow.execute('ceilingSweepWorkflow', {
    taskQueue,
    workflowId: `bench-ceiling-sweep-${taskQueue}`,
    args: [input],
  });
  const durationMs = performance.now() - t0;
  const { users } = result as { users: number };
  const runs = await listUserRuns(env.client, {
    workflowType: 'ceilingUserWorkflow',
    taskQueue,
    since: startedAt,
    expected: users,
  });
  return {
    name: 'ceiling',
    users,
    changedUsers: Math.round(users * options.changedFraction),
    failed: 0,
    durationMs,
    usersPerSecond: users / (durationMs / 1000),
    latencyP50Ms: percentile(
      runs.map((r) => r.latencyMs),
      50,
    ),
    latencyP95Ms: percentile(
      runs.map((r) => r.latencyMs),
      95,
    ),
    bytemarkCallsPerUser: null,
    mongoWritesPerUnchangedUser: null,
    auditEntriesPerUnchangedUser: null,
    historyEventsPerUser: await historyEventsPerUser(env.client, runs, options.historySample),
    workerPeakRssMb: worker.peakRssMb(),
    detail: {},
  };
}
