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
import type { refreshTicketCacheWorkflow } from '@btc/workflows/workflows';

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
 * Starts the user's refresh, or attaches to the one already running: there is one workflow id per
 * user, and a request while a refresh runs joins it instead of starting another.
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
  const handle: RefreshHandle = await client.workflow.start<typeof refreshTicketCacheWorkflow>(
    'refreshTicketCacheWorkflow',
    {
      workflowId: refreshWorkflowId(userId),
      taskQueue,
      args: [{ userId, mode, trigger }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      typedSearchAttributes: [
        { key: USER_ID_KEY, value: userId },
        { key: TRIGGER_KEY, value: trigger },
      ],
      staticSummary: `Refresh Bytemark tickets for user ${userId}, ${trigger}`,
      staticDetails: `mode: ${mode}`,
    },
  );
  return options.wait ? handle.result() : handle;
}
