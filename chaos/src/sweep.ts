/**
 * The hourly sweep as production starts it: a Schedule of the campaign's own (id suffix), taken now
 * with its trigger; and the refresh-log queue workflow, started like its schedule would.
 */
import type { Client } from '@temporalio/client';
import { deleteScheduleIfPresent, ensureSchedule, hourlyScheduleOptions, triggerNow } from '@btc/schedules';
import type { RefreshQueueResult, SweepInput, SweepProgress } from '@btc/workflows';
import { processRefreshLogQueueWorkflow, type refreshAllTicketCachesWorkflow } from '@btc/workflows/workflows';
import type { Settled } from './campaign-result';
import { message } from './campaign-utils';

export class TimeLimitError extends Error {
  readonly type = 'time-limit';
  constructor(readonly what: string) {
    super(`${what} did not finish within the campaign's time limit`);
    this.name = 'TimeLimitError';
  }
}

/** The promise, or a TimeLimitError at `deadline` (ms since the epoch). */
export async function beforeDeadline<T>(what: string, promise: Promise<T>, deadline: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeLimitError(what)), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The promise's result, or what stopped it (its error, or the time limit at `deadline`) as text. */
export async function settleBefore<T>(what: string, promise: Promise<T>, deadline: number): Promise<Settled<T>> {
  try {
    return { result: await beforeDeadline(what, promise, deadline), error: null };
  } catch (error) {
    return { result: null, error: message(error) };
  }
}

export interface CampaignSchedule {
  scheduleId: string;
  /** Takes the schedule's action now; resolves with the sweep's workflow id. */
  trigger(): Promise<string>;
  result(workflowId: string): Promise<SweepProgress>;
  delete(): Promise<void>;
}

export async function createCampaignSchedule(
  client: Client,
  p: { taskQueue: string; maxInFlight: number; batchSize: number },
): Promise<CampaignSchedule> {
  const options = hourlyScheduleOptions({
    taskQueue: p.taskQueue,
    maxInFlight: p.maxInFlight,
    scheduleIdSuffix: `-${p.taskQueue}`,
  });
  if (options.action.type === 'startWorkflow') {
    const args: SweepInput = {
      mode: 'if-stale',
      trigger: 'hourly',
      select: 'stale',
      maxInFlight: p.maxInFlight,
      batchSize: p.batchSize,
    };
    options.action.args = [args];
  }
  // The campaign triggers it; the hourly calendar must never start one by itself meanwhile.
  options.state = { ...options.state, paused: true };
  await ensureSchedule(client, options);
  const handle = client.schedule.getHandle(options.scheduleId);
  const seen = new Set<string>();
  return {
    scheduleId: options.scheduleId,
    async trigger() {
      // A paused schedule still takes a trigger.
      const before = new Set((await handle.describe()).info.recentActions.map((a) => a.action.workflow.workflowId));
      for (const id of before) seen.add(id);
      await triggerNow(client, options.scheduleId);
      for (;;) {
        const { info } = await handle.describe();
        const started = info.recentActions.find((a) => !seen.has(a.action.workflow.workflowId));
        if (started) {
          seen.add(started.action.workflow.workflowId);
          return started.action.workflow.workflowId;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    result(workflowId) {
      return client.workflow.getHandle<typeof refreshAllTicketCachesWorkflow>(workflowId).result();
    },
    async delete() {
      await deleteScheduleIfPresent(client, options.scheduleId);
    },
  };
}

/** Starts the refresh-log queue workflow once (as its five-minute schedule would); `result` is its outcome. */
export async function startQueueRun(
  client: Client,
  p: { taskQueue: string; workflowId: string },
): Promise<{ result: Promise<RefreshQueueResult> }> {
  const handle = await client.workflow.start(processRefreshLogQueueWorkflow, {
    taskQueue: p.taskQueue,
    workflowId: p.workflowId,
    args: [{ maxInFlight: 10 }],
  });
  const result = handle.result();
  result.catch(() => undefined); // awaited by the caller, maybe later
  return { result };
}
