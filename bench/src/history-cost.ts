/**
 * What a phase cost Temporal, read from the histories of every workflow it ran (sweep runs, batches,
 * per-user runs): history events, billable Actions counted the way Temporal Cloud documents them,
 * and each user's refresh latency (activity scheduled → closed).
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

const EventType = temporal.api.enums.v1.EventType;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** The marker name sdk-core gives a local activity's result. */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

export interface HistoryCost {
  workflows: number;
  events: number;
  /**
   * Billable Actions in the histories: workflow starts (a child start counts 2, at the parent;
   * continue-as-new counts 1), activity schedules and retries, local activities (1 per workflow task
   * that ran any), timers, signals, search-attribute upserts (a `patched()` call's included), updates.
   * Heartbeats are not in history; the bench adds the worker's count.
   */
  actions: number;
  /** Scheduled → closed, per activity of `latencyActivity`. */
  latenciesMs: number[];
}

/** Action count of one history event (see `HistoryCost.actions`). */
export function eventActions(event: HistoryEvent): number {
  switch (event.eventType) {
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
      // A child's start was counted (2) at its parent's StartChildWorkflowExecutionInitiated.
      return event.workflowExecutionStartedEventAttributes?.parentWorkflowExecution ? 0 : 1;
    case EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
      return 2;
    case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
    case EventType.EVENT_TYPE_TIMER_STARTED:
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
    case EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
    case EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
      return 1;
    case EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
      // Only the last attempt's Started event is recorded; each earlier attempt was a billed retry.
      return Math.max(0, (event.activityTaskStartedEventAttributes?.attempt ?? 1) - 1);
    default:
      return 0;
  }
}

/** The cost of one history; `latencyActivity` names the activity type whose latencies are collected. */
export function historyCost(events: readonly HistoryEvent[], latencyActivity: string): HistoryCost {
  let actions = 0;
  const localActivityTasks = new Set<string>();
  const scheduled = new Map<string, { at: number; type: string }>();
  const latenciesMs: number[] = [];
  for (const event of events) {
    actions += eventActions(event);
    const at = eventTimeMs(event);
    if (event.eventType === EventType.EVENT_TYPE_MARKER_RECORDED) {
      const marker = event.markerRecordedEventAttributes;
      if (marker?.markerName === LOCAL_ACTIVITY_MARKER)
        localActivityTasks.add(String(marker.workflowTaskCompletedEventId));
    } else if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
      scheduled.set(String(event.eventId), {
        at,
        type: event.activityTaskScheduledEventAttributes?.activityType?.name ?? '',
      });
    } else {
      const closed =
        event.activityTaskCompletedEventAttributes ??
        event.activityTaskFailedEventAttributes ??
        event.activityTaskTimedOutEventAttributes;
      const start = closed ? scheduled.get(String(closed.scheduledEventId)) : undefined;
      if (start?.type === latencyActivity) latenciesMs.push(at - start.at);
    }
  }
  return { workflows: 1, events: events.length, actions: actions + localActivityTasks.size, latenciesMs };
}

/** The summed cost of every run of the given workflows (each run's history fetched once). */
export async function workflowsCost(
  client: Client,
  runs: ReadonlyArray<{ workflowId: string; runId: string }>,
  latencyActivity: string,
): Promise<HistoryCost> {
  const total: HistoryCost = { workflows: 0, events: 0, actions: 0, latenciesMs: [] };
  for (const run of runs) {
    const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    const cost = historyCost(history.events ?? [], latencyActivity);
    total.workflows += 1;
    total.events += cost.events;
    total.actions += cost.actions;
    total.latenciesMs.push(...cost.latenciesMs);
  }
  return total;
}

/** Every closed workflow run started on `taskQueue` since `since` (waits for visibility to catch up with `expectClosed`). */
export async function listPhaseRuns(
  client: Client,
  q: { taskQueue: string; since: Date; expectClosed?: (runs: number) => boolean },
): Promise<Array<{ workflowId: string; runId: string; type: string }>> {
  const query = `TaskQueue = '${q.taskQueue}' AND StartTime >= '${q.since.toISOString()}'`;
  let runs: Array<{ workflowId: string; runId: string; type: string; closed: boolean }> = [];
  for (let attempt = 0; attempt < 40; attempt++) {
    runs = [];
    for await (const w of client.workflow.list({ query, pageSize: 1000 })) {
      runs.push({ workflowId: w.workflowId, runId: w.runId, type: w.type, closed: w.closeTime !== undefined });
    }
    if (runs.every((r) => r.closed) && (q.expectClosed?.(runs.length) ?? true)) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return runs.map(({ workflowId, runId, type }) => ({ workflowId, runId, type }));
}

function eventTimeMs(event: HistoryEvent): number {
  const t = event.eventTime;
  if (!t) return 0;
  return Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
}
