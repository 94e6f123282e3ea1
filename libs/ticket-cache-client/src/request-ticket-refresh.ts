import type { Client, WorkflowHandle } from '@temporalio/client';
import {
  TICKET_CACHE_TASK_QUEUE,
  TRIGGER_KEY,
  USER_ID_KEY,
  refreshWorkflowId,
  type RefreshMode,
  type RefreshSummary,
  type RefreshTrigger,
} from '@btc/workflows';
import { refreshRequestedSignal, refreshTicketCacheWorkflow } from '@btc/workflows/workflows';

export type RefreshHandle = WorkflowHandle<typeof refreshTicketCacheWorkflow>;

export interface RequestTicketRefreshOptions {
  /** Default `check`: update the cache if it exists, else build it. */
  mode?: RefreshMode;
  /** Default `on-demand`; shown in the UI and searchable. */
  trigger?: RefreshTrigger;
  /** Default the service's queue; tests pass their own. */
  taskQueue?: string;
}

/**
 * Refreshes the user's cache and (with `wait`) returns the result of a Bytemark fetch that started
 * after this request: one workflow id per user, signalled-with-start. When no refresh of the user
 * runs, this starts one; when one runs, the request joins it and the run fetches once more after
 * its current fetch (so a request right after a purchase never gets a list from before it).
 */
export async function requestTicketRefresh(
  client: Client,
  userId: number,
  options: RequestTicketRefreshOptions & { wait: true },
): Promise<RefreshSummary>;
export async function requestTicketRefresh(
  client: Client,
  userId: number,
  options?: RequestTicketRefreshOptions & { wait?: false },
): Promise<RefreshHandle>;
export async function requestTicketRefresh(
  client: Client,
  userId: number,
  options: RequestTicketRefreshOptions & { wait?: boolean } = {},
): Promise<RefreshHandle | RefreshSummary> {
  if (!Number.isSafeInteger(userId) || userId <= 0) {
    throw new RangeError(`userId must be a positive integer, got ${String(userId)}`);
  }
  const { mode = 'check', trigger = 'on-demand', taskQueue = TICKET_CACHE_TASK_QUEUE } = options;
  const workflowId = refreshWorkflowId(userId);
  const started = await client.workflow.signalWithStart(refreshTicketCacheWorkflow, {
    workflowId,
    taskQueue,
    args: [{ userId, mode, trigger }],
    signal: refreshRequestedSignal,
    signalArgs: [{ mode }],
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    typedSearchAttributes: [
      { key: USER_ID_KEY, value: userId },
      { key: TRIGGER_KEY, value: trigger },
    ],
    staticSummary: `Refresh Bytemark tickets for user ${userId}, ${trigger}`,
    staticDetails: `mode: ${mode}`,
  });
  // The run the signal reached (a run that was already going, or the one just started).
  const handle: RefreshHandle = client.workflow.getHandle(workflowId, started.signaledRunId);
  return options.wait ? handle.result() : handle;
}
