import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, startChild } from '@temporalio/workflow';
import { refreshStartOptions } from './refresh-start-options';
import { refreshTicketCacheWorkflow } from './refresh-ticket-cache.workflow';
import type { RefreshInput, RefreshSummary } from './types';

export type ChildRefreshResult =
  { kind: 'done'; summary: RefreshSummary } | { kind: 'already-running' } | { kind: 'failed'; error: unknown };

/**
 * Runs one user's refresh as a child under the per-user workflow id. A refresh already running for
 * the user (started on demand) is left to finish on its own and reported as `already-running`.
 */
export async function runUserRefresh(input: Required<RefreshInput>): Promise<ChildRefreshResult> {
  const { userId, trigger } = input;
  let child;
  try {
    child = await startChild(refreshTicketCacheWorkflow, {
      ...refreshStartOptions({ userId, trigger }),
      args: [input],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { kind: 'already-running' };
    throw error;
  }
  try {
    const { answeredRequests: _requests, ...summary } = await child.result();
    return { kind: 'done', summary };
  } catch (error) {
    return { kind: 'failed', error };
  }
}
