import type { SearchAttributePair } from '@temporalio/common';
import { refreshWorkflowId } from './ids';
import { TRIGGER_KEY, USER_ID_KEY } from './search-attributes';
import type { RefreshTrigger } from './types';

/** What every start of a user's `refreshTicketCacheWorkflow` carries, whoever starts it. */
export interface RefreshStartOptions {
  /** `refreshWorkflowId(userId)`: one refresh per user at a time. */
  workflowId: string;
  /** `BytemarkUserId` and `BytemarkRefreshTrigger`, so the UI finds the run by user and by who asked. */
  typedSearchAttributes: SearchAttributePair[];
  /** The line the UI shows for the run. */
  staticSummary: string;
}

/**
 * The per-user start options, written once: the client (`requestTicketRefresh`) and the workflows
 * that start a user's refresh as a child (`user-refresh-child.ts`) both spread these into their
 * start call. Deterministic (no I/O), so it runs inside and outside the workflow sandbox.
 */
export function refreshStartOptions(p: { userId: number; trigger: RefreshTrigger }): RefreshStartOptions {
  return {
    workflowId: refreshWorkflowId(p.userId),
    typedSearchAttributes: [
      { key: USER_ID_KEY, value: p.userId },
      { key: TRIGGER_KEY, value: p.trigger },
    ],
    staticSummary: `Refresh Bytemark tickets for user ${p.userId}, ${p.trigger}`,
  };
}
