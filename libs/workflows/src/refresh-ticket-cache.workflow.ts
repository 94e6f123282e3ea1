import {
  defineSignal,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { RefreshQueueActivities, UserRefreshActivities } from './activity-contracts';
import { failureType, wantsAlert } from './failure-message';
import { PRIORITY, REFRESH_REQUESTED_SIGNAL, refreshId } from './ids';
import { nextStep, receive, runRequests, startFetch, type RefreshRequest } from './refresh-loop';
import { describeRefresh } from './refresh-summary';
import { reportRefreshFailure } from './report-refresh-failure';
import { DATABASE_ACTIVITY, userRefreshActivity } from './retry-policies';
import { OUTCOME_KEY } from './search-attributes';
import type { RefreshInput, RefreshSummary } from './types';

export { MAX_FETCHES_FOR_UNNAMED_REQUESTS, MAX_FETCHES_PER_RUN, type RefreshRequest } from './refresh-loop';

/** The run's last summary, and the requests a fetch of the run started after (each is answered by it). */
export interface RefreshRunResult extends RefreshSummary {
  answeredRequests: string[];
}

const queue =
  proxyActivities<Pick<RefreshQueueActivities, 'queueUserRefresh' | 'markRefreshRowsProcessed'>>(DATABASE_ACTIVITY);

export const refreshRequestedSignal = defineSignal<[RefreshRequest]>(REFRESH_REQUESTED_SIGNAL);

/**
 * Refreshes one user's Bytemark ticket cache, on demand and for the refresh-log queue: the
 * `refreshUserTickets` activity (the same unit the hourly batches run), then the outcome as a search
 * attribute. The Temporal version of `checkTicketCache` (mode `check`), `checkTicketCacheTimeout`
 * (`if-stale`) and `buildTicketCache` (`build`). 13 history events.
 *
 * One run per user at a time (`requestTicketRefresh` signals-with-start it): a request that arrives
 * while a fetch is in flight makes the run fetch once more when it is done, so every caller's answer
 * comes from a fetch that started after its request (`nextStep` decides; the result names the
 * requests it answers). Each fetch runs at the highest priority asked for. Queue rows handed to the
 * run are marked processed once answered. A failure goes to the on-demand alerts digest.
 */
export async function refreshTicketCacheWorkflow(input: RefreshInput): Promise<RefreshRunResult> {
  const { userId, trigger = 'manual' } = input;
  const { workflowId, runId, taskQueue, priority } = workflowInfo();
  const requests = runRequests(input.mode ?? 'check', priority?.priorityKey ?? PRIORITY.queue);
  setHandler(refreshRequestedSignal, (request) => receive(requests, request));
  const answeredRequests: string[] = [];
  const answeredRows: number[] = [];

  let summary: RefreshSummary;
  let fetches = 0;
  try {
    for (;;) {
      // Every request received so far is answered by this fetch, which starts after them.
      const answering = startFetch(requests);
      answeredRequests.push(...answering.requestIds);
      answeredRows.push(...answering.rowIds);
      fetches += 1;
      const { mode } = requests;
      const activityId = `refresh-${fetches}`;
      const { refreshUserTickets } = proxyActivities<UserRefreshActivities>({
        ...userRefreshActivity(taskQueue, requests.priorityKey),
        activityId,
        summary: `refresh user ${userId} (${mode}, ${trigger})`,
      });
      summary = await refreshUserTickets({
        userId,
        mode,
        trigger,
        refreshId: refreshId({ workflowId, runId, activityId }),
      });
      const step = nextStep(fetches, requests);
      if (step === 'fetch') continue;
      if (step === 'hand-off') await queue.queueUserRefresh({ userId });
      break;
    }
    if (answeredRows.length > 0) await queue.markRefreshRowsProcessed({ ids: answeredRows });
  } catch (error) {
    await reportRefreshFailure({ userId, type: failureType(error), alert: wantsAlert(error) });
    throw error;
  }
  upsertSearchAttributes([{ key: OUTCOME_KEY, value: summary.outcome }]);
  setCurrentDetails(
    describeRefresh(summary) + (fetches > 1 ? ` (fetched ${fetches} times: requests arrived during a fetch)` : ''),
  );
  return { ...summary, answeredRequests };
}
