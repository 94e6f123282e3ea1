/** OURS: the hourly sweep, started through the Schedule's trigger, on a worker in its own process. */
import { deleteScheduleIfPresent, ensureSchedule, hourlyScheduleOptions, triggerNow } from '@btc/ticket-cache-client';
import type { SweepInput, SweepProgress } from '@btc/workflows';
import type { BenchEnvironment } from '../environment';
import { auditEntriesByUser, bytemarkCalls, historyEventsPerUser, listUserRuns, percentile, perUser } from '../metrics';
import type { BenchOptions } from '../options';
import type { WorkerHandle } from '../worker-handle';
import type { PhaseStart } from './phase-setup';
import type { PhaseResult } from './phase-result';

export async function runOursPhase(
  env: BenchEnvironment,
  options: BenchOptions,
  worker: WorkerHandle,
  taskQueue: string,
  start: PhaseStart,
): Promise<PhaseResult> {
  const settings = { taskQueue, maxInFlight: options.maxInFlight, scheduleIdSuffix: `-bench-${taskQueue}` };
  const schedule = hourlyScheduleOptions(settings);
  const args: SweepInput = {
    mode: 'if-stale',
    trigger: 'hourly',
    select: 'stale',
    maxInFlight: options.maxInFlight,
    pageSize: 500,
    usersPerRun: 1000,
  };
  if (schedule.action.type === 'startWorkflow') schedule.action.args = [args];
  await ensureSchedule(env.client, schedule);
  const handle = env.client.schedule.getHandle(schedule.scheduleId);
  try {
    const before = await worker.writeCounts(); // the warm-up's writes are not this phase's
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
    const progress = (await env.client.workflow.getHandle(workflowId).result()) as SweepProgress;
    const durationMs = performance.now() - t0;
    const calls = await bytemarkCalls(env.admin);
    const processed = Object.values(progress.refreshed).reduce((a, b) => a + (b ?? 0), 0);
    const runs = await listUserRuns(env.client, {
      workflowType: 'refreshTicketCacheWorkflow',
      taskQueue,
      since: start.startedAt,
      expected: processed + progress.failed,
    });
    const unchanged = env.userIds.filter((id) => !start.changed.has(id));
    const after = await worker.writeCounts();
    const writes = Object.fromEntries(Object.entries(after).map(([id, n]) => [id, n - (before[Number(id)] ?? 0)]));
    const audit = await auditEntriesByUser(env.dependencies.mongo, start.startSec);
    return {
      name: 'ours',
      users: processed,
      changedUsers: start.changed.size,
      failed: progress.failed,
      durationMs,
      usersPerSecond: processed / (durationMs / 1000),
      latencyP50Ms: percentile(
        runs.map((r) => r.latencyMs),
        50,
      ),
      latencyP95Ms: percentile(
        runs.map((r) => r.latencyMs),
        95,
      ),
      bytemarkCallsPerUser: calls / Math.max(1, processed),
      mongoWritesPerUnchangedUser: perUser(writes, unchanged),
      auditEntriesPerUnchangedUser: perUser(audit, unchanged),
      historyEventsPerUser: await historyEventsPerUser(env.client, runs, options.historySample),
      workerPeakRssMb: worker.peakRssMb(),
      detail: {
        sweepWorkflowId: workflowId,
        usersSeen: progress.usersSeen,
        refreshed: progress.refreshed,
        sweepRuns: progress.runs,
      },
    };
  } finally {
    await deleteScheduleIfPresent(env.client, schedule.scheduleId);
  }
}
