import type { Client, WorkflowHandle } from '@temporalio/client';
import {
  refreshRequestedSignal,
  refreshTicketCacheWorkflow,
  type RefreshRequest,
} from '../refresh-ticket-cache.workflow';
import type { RefreshOutcome, RefreshSummary } from '../types';

/** What a stubbed `refreshUserTickets` answers. */
export function summary(outcome: RefreshOutcome = 'unchanged', changes: Partial<RefreshSummary> = {}): RefreshSummary {
  return {
    outcome,
    created: 0,
    updated: 0,
    removed: 0,
    unchanged: 1,
    newFreeTickets: 0,
    cacheAgeBefore: 60,
    ...changes,
  };
}

/**
 * A request for a user's refresh, as the client and the queue send it: signal-with-start of the
 * run under `workflowId` (the test's own, so tests never share a run). Returns the run it reached.
 */
export async function askRefresh(
  client: Client,
  p: { taskQueue: string; workflowId: string; userId: number; priorityKey?: number },
  request: RefreshRequest,
): Promise<WorkflowHandle<typeof refreshTicketCacheWorkflow>> {
  const started = await client.workflow.signalWithStart(refreshTicketCacheWorkflow, {
    workflowId: p.workflowId,
    taskQueue: p.taskQueue,
    args: [{ userId: p.userId, mode: request.mode, trigger: 'on-demand' }],
    ...(p.priorityKey !== undefined ? { priority: { priorityKey: p.priorityKey } } : {}),
    signal: refreshRequestedSignal,
    signalArgs: [request],
  });
  return client.workflow.getHandle(started.workflowId, started.signaledRunId);
}
