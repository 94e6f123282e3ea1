import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, getExternalWorkflowHandle, startChild } from '@temporalio/workflow';
import { PRIORITY } from './ids';
import { refreshStartOptions } from './refresh-start-options';
import { refreshRequestedSignal, refreshTicketCacheWorkflow } from './refresh-ticket-cache.workflow';
import type { RefreshInput, RefreshSummary } from './types';

/** Starts tried before the rows are deferred, when each start finds a run that then ends before its signal. */
const START_ATTEMPTS = 3;

export type ChildRefreshResult =
  | { kind: 'done'; summary: RefreshSummary }
  | { kind: 'handed-over' }
  | { kind: 'deferred' }
  | { kind: 'failed'; error: unknown };

/**
 * Runs one user's refresh for the refresh-log queue as a child under the per-user workflow id, at
 * the queue's priority. When a refresh of the user already runs (a rider's, or one kept going by
 * another service asking every few seconds), the queue's rows are handed to it by signal: it marks
 * them processed once a fetch that started after them has committed (`handed-over`), instead of the
 * rows waiting for a run that may never end. A run that ends between the failed start and the signal
 * is followed by another start, so a user whose runs follow each other closely is not deferred.
 */
export async function runUserRefresh(
  input: Required<RefreshInput> & { queueRowIds: number[] },
): Promise<ChildRefreshResult> {
  const { userId, trigger, mode, queueRowIds } = input;
  for (let attempt = 1; ; attempt++) {
    let child;
    try {
      child = await startChild(refreshTicketCacheWorkflow, {
        ...refreshStartOptions({ userId, trigger }),
        args: [{ userId, mode, trigger }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        priority: { priorityKey: PRIORITY.queue },
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      try {
        await getExternalWorkflowHandle(refreshStartOptions({ userId, trigger }).workflowId).signal(
          refreshRequestedSignal,
          { mode, priorityKey: PRIORITY.queue, queueRowIds },
        );
        return { kind: 'handed-over' };
      } catch {
        // The run ended between the start and the signal (a user whose runs follow each other closely):
        // start one again. Only after a few such races do the rows wait for the next queue run.
        if (attempt < START_ATTEMPTS) continue;
        return { kind: 'deferred' };
      }
    }
    try {
      const { answeredRequests: _requests, ...summary } = await child.result();
      return { kind: 'done', summary };
    } catch (error) {
      return { kind: 'failed', error };
    }
  }
}
