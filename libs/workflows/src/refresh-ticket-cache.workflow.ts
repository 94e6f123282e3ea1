import {
  patched,
  proxyActivities,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { UserRefreshActivities } from './activity-contracts';
import { PATCHES, refreshId } from './ids';
import { refreshTicketCacheV1 } from './legacy/refresh-ticket-cache.v1';
import { describeRefresh } from './refresh-summary';
import { userRefreshActivity } from './retry-policies';
import { OUTCOME_KEY } from './search-attributes';
import type { RefreshInput, RefreshSummary } from './types';

/**
 * Refreshes one user's Bytemark ticket cache, on demand and for the refresh-log queue: one
 * `refreshUserTickets` activity (the same unit the hourly batches run), then the outcome as a
 * search attribute. The Temporal version of `checkTicketCache` (mode `check`),
 * `checkTicketCacheTimeout` (`if-stale`) and `buildTicketCache` (`build`). About 13 history events.
 */
export async function refreshTicketCacheWorkflow(input: RefreshInput): Promise<RefreshSummary> {
  if (!patched(PATCHES.refreshAsOneActivity)) return refreshTicketCacheV1(input);
  const { userId, mode = 'check', trigger = 'manual' } = input;
  const { workflowId, runId, taskQueue } = workflowInfo();
  const { refreshUserTickets } = proxyActivities<UserRefreshActivities>({
    ...userRefreshActivity(taskQueue),
    summary: `refresh user ${userId} (${mode}, ${trigger})`,
  });
  const summary = await refreshUserTickets({ userId, mode, trigger, refreshId: refreshId({ workflowId, runId }) });
  upsertSearchAttributes([{ key: OUTCOME_KEY, value: summary.outcome }]);
  setCurrentDetails(describeRefresh(summary));
  return summary;
}
