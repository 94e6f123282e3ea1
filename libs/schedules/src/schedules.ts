import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleOptions,
  type ScheduleOptionsStartWorkflowAction,
  type ScheduleUpdateOptions,
} from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import { HOURLY_SCHEDULE_ID, REFRESH_QUEUE_SCHEDULE_ID, sweepWorkflowId } from '@btc/workflows';
import { processRefreshLogQueueWorkflow, refreshAllTicketCachesWorkflow } from '@btc/workflows/workflows';

/** A schedule that starts the workflow `W`, named by its function: its args are `W`'s parameters. */
export type WorkflowSchedule<W extends Workflow> = ScheduleOptions<ScheduleOptionsStartWorkflowAction<W>>;

/** The note of an active schedule; a paused one keeps the operator's. */
const MANAGED_NOTE =
  'Managed by apps/scheduler (schedule ensure); settings edited here are overwritten, a pause and its note are kept.';

export interface ScheduleSettings {
  taskQueue: string;
  maxInFlight: number;
  /** Tests and benchmarks use their own ids so they never touch the real schedules. */
  scheduleIdSuffix?: string;
}

/**
 * The hourly sweep: on the hour, in `if-stale` mode. Overlap SKIP (a slow sweep is never doubled)
 * and a 10-minute catch-up window, instead of Temporal's one-year default, so a server outage does
 * not replay a day of missed sweeps. The SDK's schedule action takes no priority: the sweep runs at
 * Temporal's default (3), and starts its batches, where the users' refreshes run, at the lowest (5).
 */
export function hourlyScheduleOptions(
  settings: ScheduleSettings,
): WorkflowSchedule<typeof refreshAllTicketCachesWorkflow> {
  return {
    scheduleId: HOURLY_SCHEDULE_ID + (settings.scheduleIdSuffix ?? ''),
    spec: { calendars: [{ comment: 'every hour, on the hour', minute: 0, hour: { start: 0, end: 23 } }] },
    action: {
      type: 'startWorkflow',
      workflowType: refreshAllTicketCachesWorkflow,
      workflowId: sweepWorkflowId(`hourly${settings.scheduleIdSuffix ?? ''}`),
      taskQueue: settings.taskQueue,
      args: [{ mode: 'if-stale', trigger: 'hourly', select: 'stale', maxInFlight: settings.maxInFlight }],
      staticSummary: 'Hourly sweep: refresh stale Bytemark ticket caches',
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10 minutes', pauseOnFailure: false },
    state: { note: MANAGED_NOTE },
  };
}

/** The `bytemark_ticket_refresh_log` queue, every 5 minutes (the original's five-minute job). */
export function refreshQueueScheduleOptions(
  settings: ScheduleSettings,
): WorkflowSchedule<typeof processRefreshLogQueueWorkflow> {
  return {
    scheduleId: REFRESH_QUEUE_SCHEDULE_ID + (settings.scheduleIdSuffix ?? ''),
    spec: { intervals: [{ every: '5 minutes' }] },
    action: {
      type: 'startWorkflow',
      workflowType: processRefreshLogQueueWorkflow,
      workflowId: REFRESH_QUEUE_SCHEDULE_ID + (settings.scheduleIdSuffix ?? ''),
      taskQueue: settings.taskQueue,
      args: [{ maxInFlight: settings.maxInFlight }],
      staticSummary: 'Refresh-log queue: due refreshes and free-ticket notifications',
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '2 minutes', pauseOnFailure: false },
    state: { note: MANAGED_NOTE },
  };
}

/**
 * Takes a schedule's action now under the schedule's own overlap policy, SKIP. The SDK's default for
 * a trigger is ALLOW_ALL, and the server does not track runs started that way: the next hourly action
 * then starts a second sweep beside the triggered one (the bench saw it at 10,000 users). With SKIP the
 * triggered sweep counts as running, and a trigger while a sweep runs starts nothing.
 */
export async function triggerNow(client: Client, scheduleId: string): Promise<void> {
  await client.schedule.getHandle(scheduleId).trigger(ScheduleOverlapPolicy.SKIP);
}

export function allSchedules(settings: ScheduleSettings): Array<WorkflowSchedule<Workflow>> {
  return [hourlyScheduleOptions(settings), refreshQueueScheduleOptions(settings)];
}

/**
 * Create-or-update: safe to run any number of times; a changed setting is applied to the existing
 * schedule. An operator's pause stands: a paused schedule stays paused and keeps the note that says
 * why (a deploy during a Bytemark outage must not erase it); an active one gets the managed note.
 */
export async function ensureSchedule<W extends Workflow>(
  client: Client,
  options: WorkflowSchedule<W>,
): Promise<'created' | 'updated'> {
  const handle = client.schedule.getHandle(options.scheduleId);
  try {
    await handle.describe();
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
    try {
      await client.schedule.create(options);
      return 'created';
    } catch (createError) {
      // Another scheduler instance created it between describe and create: fall through to update.
      if (!(createError instanceof ScheduleAlreadyRunning)) throw createError;
    }
  }
  await handle.update<W>((previous): ScheduleUpdateOptions<ScheduleOptionsStartWorkflowAction<W>> => ({
    ...previous,
    spec: options.spec,
    action: options.action,
    policies: { ...previous.policies, ...options.policies },
    state: { ...previous.state, note: previous.state.paused ? previous.state.note : options.state?.note },
  }));
  return 'updated';
}

export async function deleteScheduleIfPresent(client: Client, scheduleId: string): Promise<boolean> {
  try {
    await client.schedule.getHandle(scheduleId).delete();
    return true;
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return false;
    throw error;
  }
}
