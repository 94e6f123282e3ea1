/** OURS: the hourly sweep, started through the Schedule's trigger, on worker processes of its own. */
import { deleteScheduleIfPresent, ensureSchedule, hourlyScheduleOptions, triggerNow } from '@btc/schedules';
import type { refreshAllTicketCachesWorkflow } from '@btc/workflows/workflows';
import { cpuMsPerUser, cpuSnapshot } from '../cpu';
import type { BenchEnvironment } from '../environment';
import { listPhaseRuns, workflowsCost } from '../history-cost';
import { auditEntriesByUser, bytemarkCalls, percentile, perUser } from '../metrics';
import { sweepArgs, type BenchOptions } from '../options';
import type { WorkerCounts, WorkerHandle } from '../worker-handle';
import type { PhaseStart } from './phase-setup';
import type { PhaseResult } from './phase-result';

export async function runOursPhase(
  env: BenchEnvironment,
  options: BenchOptions,
  workers: readonly WorkerHandle[],
  taskQueue: string,
  start: PhaseStart,
): Promise<PhaseResult> {
  const settings = { taskQueue, maxInFlight: options.maxInFlight, scheduleIdSuffix: `-bench-${taskQueue}` };
  const schedule = hourlyScheduleOptions(settings);
  if (schedule.action.type === 'startWorkflow') schedule.action.args = [sweepArgs(options)];
  await ensureSchedule(env.client, schedule);
  const handle = env.client.schedule.getHandle(schedule.scheduleId);
  try {
    const before = await countsOf(workers); // the warm-up's writes and heartbeats are not this phase's
    const cpuBefore = cpuSnapshot(workers.map((w) => w.pid));
    const t0 = performance.now();
    const triggeredAt = Date.now();
    await triggerNow(env.client, schedule.scheduleId);
    let workflowId: string | undefined;
    while (!workflowId) {
      const { info } = await handle.describe();
      workflowId = info.recentActions.find((a) => a.takenAt.getTime() >= triggeredAt - 1000)?.action.workflow
        .workflowId;
      if (!workflowId) await new Promise((r) => setTimeout(r, 100));
    }
    const progress = await env.client.workflow.getHandle<typeof refreshAllTicketCachesWorkflow>(workflowId).result();
    const durationMs = performance.now() - t0;
    const cpuAfter = cpuSnapshot(workers.map((w) => w.pid));
    const calls = await bytemarkCalls(env.admin);
    const rate = await env.admin.rate();
    const processed = Object.values(progress.refreshed).reduce((a, b) => a + (b ?? 0), 0);
    const after = await countsOf(workers);
    const runs = await listPhaseRuns(env.client, { taskQueue, since: start.startedAt });
    const cost = await workflowsCost(env.client, runs, 'refreshUserTickets');
    const heartbeats = after.heartbeats - before.heartbeats;
    const writes = Object.fromEntries(
      Object.entries(after.writes).map(([id, n]) => [id, n - (before.writes[Number(id)] ?? 0)]),
    );
    const unchanged = env.userIds.filter((id) => !start.changed.has(id));
    const audit = await auditEntriesByUser(env.dependencies.mongo, start.startSec);
    return {
      name: 'ours',
      users: processed,
      changedUsers: start.changed.size,
      failed: progress.failed,
      durationMs,
      usersPerSecond: processed / (durationMs / 1000),
      latencyP50Ms: percentile(cost.latenciesMs, 50),
      latencyP95Ms: percentile(cost.latenciesMs, 95),
      bytemarkCallsPerUser: calls / Math.max(1, processed),
      bytemarkPeakCallsPerSecond: rate.peakPerSecond,
      mongoWritesPerUnchangedUser: perUser(writes, unchanged),
      auditEntriesPerUnchangedUser: perUser(audit, unchanged),
      workflows: cost.workflows,
      historyEventsPerUser: cost.events / Math.max(1, processed),
      actionsPerUser: (cost.actions + heartbeats) / Math.max(1, processed),
      workerPeakRssMb: Math.max(...workers.map((w) => w.peakRssMb())),
      detail: {
        sweepWorkflowId: workflowId,
        usersSeen: progress.usersSeen,
        refreshed: progress.refreshed,
        sweepRuns: progress.runs,
        batches: progress.batches,
        workflowTypes: countBy(runs.map((r) => r.type)),
        historyEvents: cost.events,
        actions: cost.actions,
        heartbeats,
        workerProcesses: workers.length,
        bytemarkRate: { limit: options.rate, ...rate },
        cpuMsPerUser: cpuMsPerUser(cpuBefore, cpuAfter, processed),
      },
    };
  } finally {
    await deleteScheduleIfPresent(env.client, schedule.scheduleId);
  }
}

/** The counts of every worker process, summed. */
async function countsOf(workers: readonly WorkerHandle[]): Promise<WorkerCounts> {
  const total: WorkerCounts = { writes: {}, heartbeats: 0 };
  for (const counts of await Promise.all(workers.map((w) => w.counts()))) {
    total.heartbeats += counts.heartbeats;
    for (const [id, n] of Object.entries(counts.writes)) total.writes[Number(id)] = (total.writes[Number(id)] ?? 0) + n;
  }
  return total;
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}
