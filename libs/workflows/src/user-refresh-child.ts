import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, startChild } from '@temporalio/workflow';
import { refreshWorkflowId } from './ids';
import { refreshTicketCacheWorkflow } from './refresh-ticket-cache.workflow';
import { TRIGGER_KEY, USER_ID_KEY } from './search-attributes';
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
      workflowId: refreshWorkflowId(userId),
      args: [input],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      typedSearchAttributes: [
        { key: USER_ID_KEY, value: userId },
        { key: TRIGGER_KEY, value: trigger },
      ],
      staticSummary: `Refresh Bytemark tickets for user ${userId}, ${trigger}`,
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { kind: 'already-running' };
    throw error;
  }
  try {
    return { kind: 'done', summary: await child.result() };
  } catch (error) {
    return { kind: 'failed', error };
  }
}
