/**
 * CEILING: the same workflows with no-op activities (ceiling.workflows.ts), on a worker with the
 * same settings: what this machine's Temporal does per user when the work itself costs nothing.
 * `--ceiling-shape` runs one of the child-per-user shapes instead (the levers of bench/README.md).
 */
import { bytemarkTaskQueue, sweepWorkflowId } from '@btc/workflows';
import { refreshAllTicketCachesWorkflow } from '@btc/workflows/workflows';
import { ceilingChildSweepWorkflow, type CeilingSweepInput } from '../ceiling.workflows';
import { cpuMsPerUser, cpuSnapshot } from '../cpu';
import type { BenchEnvironment } from '../environment';
import { listPhaseRuns, workflowsCost } from '../history-cost';
import { percentile } from '../metrics';
import { sweepArgs, type BenchOptions } from '../options';
import type { WorkerHandle } from '../worker-handle';
import type { PhaseResult } from './phase-result';

export async function runCeilingPhase(
  env: BenchEnvironment,
  options: BenchOptions,
  worker: WorkerHandle,
  taskQueue: string,
): Promise<PhaseResult> {
  const startedAt = new Date();
  const before = await worker.counts();
  const cpuBefore = cpuSnapshot([worker.pid]);
  const t0 = performance.now();
  let users: number;
  if (options.ceilingShape === 'batch') {
    const progress = await env.client.workflow.execute(refreshAllTicketCachesWorkflow, {
      taskQueue,
      workflowId: sweepWorkflowId(`bench-ceiling-${taskQueue}`),
      args: [sweepArgs(options)],
    });
    users = Object.values(progress.refreshed).reduce((a, b) => a + (b ?? 0), 0);
  } else {
    const input: CeilingSweepInput = {
      shape: options.ceilingShape,
      firstUserId: env.userIds[0]!,
      lastUserId: env.userIds[env.userIds.length - 1]!,
      changedFraction: options.changedFraction,
      maxInFlight: options.maxInFlight,
      pageSize: 500,
      usersPerRun: 1000,
      bytemarkQueue: bytemarkTaskQueue(taskQueue),
    };
    const result = await env.client.workflow.execute(ceilingChildSweepWorkflow, {
      taskQueue,
      workflowId: `bench-ceiling-sweep-${taskQueue}`,
      args: [input],
    });
    users = result.users;
  }
  const durationMs = performance.now() - t0;
  const cpuAfter = cpuSnapshot([worker.pid]);
  const heartbeats = (await worker.counts()).heartbeats - before.heartbeats;
  const runs = await listPhaseRuns(env.client, { taskQueue, since: startedAt });
  const cost = await workflowsCost(env.client, runs, 'refreshUserTickets');
  return {
    name: 'ceiling',
    users,
    changedUsers: Math.round(users * options.changedFraction),
    failed: 0,
    durationMs,
    usersPerSecond: users / (durationMs / 1000),
    latencyP50Ms: percentile(cost.latenciesMs, 50),
    latencyP95Ms: percentile(cost.latenciesMs, 95),
    bytemarkCallsPerUser: null,
    bytemarkPeakCallsPerSecond: null,
    mongoWritesPerUnchangedUser: null,
    auditEntriesPerUnchangedUser: null,
    workflows: cost.workflows,
    historyEventsPerUser: cost.events / Math.max(1, users),
    actionsPerUser: (cost.actions + heartbeats) / Math.max(1, users),
    workerPeakRssMb: worker.peakRssMb(),
    detail: { shape: options.ceilingShape, cpuMsPerUser: cpuMsPerUser(cpuBefore, cpuAfter, users) },
  };
}
