import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import {
  PRIORITY,
  TICKET_CACHE_TASK_QUEUE,
  refreshStartOptions,
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
 * A run answers the requests that arrived before its last fetch started; one that arrived during it
 * is asked again (starting the next run). Three runs in a row that did not answer would mean a client
 * asking faster than fetches for minutes; the last run's summary is returned then.
 */
const RUNS_ASKED = 3;

/**
 * Refreshes the user's cache and (with `wait`) returns the result of a Bytemark fetch that started
 * after this request: one workflow id per user, signalled-with-start. When no refresh of the user
 * runs, this starts one; when one runs, the request joins it and the run fetches once more after
 * its current fetch (so a request right after a purchase never gets a list from before it). A run
 * fetches for waiting callers a few times at most (`MAX_FETCHES_PER_RUN`), so a caller is answered
 * within a few fetches however often other callers ask for the same user. Without `wait`, the run
 * always makes the fetch the request asked for.
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
  // Only a caller that waits names its request: it asks again when the run did not answer it.
  const ask = async (requestId?: string): Promise<RefreshHandle> => {
    const started = await client.workflow.signalWithStart(refreshTicketCacheWorkflow, {
      ...refreshStartOptions({ userId, trigger }),
      taskQueue,
      args: [{ userId, mode, trigger }],
      // A rider is waiting: ahead of the refresh-log queue and the sweeps on every queue and in the pacer.
      priority: { priorityKey: PRIORITY.rider },
      signal: refreshRequestedSignal,
      signalArgs: [{ mode, priorityKey: PRIORITY.rider, ...(requestId ? { requestId } : {}) }],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      staticDetails: `mode: ${mode}`,
    });
    // The run the signal reached (a run that was already going, or the one just started).
    return client.workflow.getHandle(started.workflowId, started.signaledRunId);
  };
  if (!options.wait) return ask();
  const requestId = randomUUID();
  for (let run = 1; ; run++) {
    const { answeredRequests, ...summary } = await (await ask(requestId)).result();
    if (answeredRequests.includes(requestId) || run >= RUNS_ASKED) return summary;
  }
}
