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
import { REFRESH_REQUESTED_SIGNAL, refreshId } from './ids';
import { reportRefreshFailure } from './on-demand-alerts.workflow';
import { describeRefresh } from './refresh-summary';
import { DATABASE_ACTIVITY, userRefreshActivity } from './retry-policies';
import { OUTCOME_KEY } from './search-attributes';
import type { RefreshInput, RefreshMode, RefreshSummary } from './types';

/** A caller asks the user's refresh to fetch (again, if one is running) and answer from that fetch. */
export interface RefreshRequest {
  mode: RefreshMode;
  /**
   * Set by a caller that waits for the answer and asks again when its id is not in
   * `answeredRequests`. A request without one (a caller that does not wait) is never left unfetched.
   */
  requestId?: string;
}

/** The run's last summary, and the requests a fetch of the run started after (each is answered by it). */
export interface RefreshRunResult extends RefreshSummary {
  answeredRequests: string[];
}

/**
 * Fetches one run makes for waiting callers at most. Those whose requests arrive during the last one
 * are not answered by the run (their ids are not in `answeredRequests`): they ask again and start the
 * next run. So a caller waits a few fetches at most, however often others keep asking for the same
 * user.
 */
export const MAX_FETCHES_PER_RUN = 3;

/**
 * Fetches one run makes at most. A request nobody waits for (no id) arriving during fetch 3 to 5
 * gets its fetch in the run; one arriving during the last goes to the refresh-log queue (a type-1
 * row, refreshed within five minutes, or at once by the user's next request), so that a stream of
 * such requests cannot keep the run, and the callers waiting on it, going.
 */
export const MAX_FETCHES_FOR_UNNAMED_REQUESTS = 6;

const queue = proxyActivities<Pick<RefreshQueueActivities, 'queueUserRefresh'>>(DATABASE_ACTIVITY);

export const refreshRequestedSignal = defineSignal<[RefreshRequest]>(REFRESH_REQUESTED_SIGNAL);

/** `build` > `check` > `if-stale`: a request never gets less than it asked for. */
const STRENGTH: Record<RefreshMode, number> = { 'if-stale': 0, check: 1, build: 2 };

/**
 * Refreshes one user's Bytemark ticket cache, on demand and for the refresh-log queue: the
 * `refreshUserTickets` activity (the same unit the hourly batches run), then the outcome as a search
 * attribute. The Temporal version of `checkTicketCache` (mode `check`), `checkTicketCacheTimeout`
 * (`if-stale`) and `buildTicketCache` (`build`). About 15 history events.
 *
 * One run per user at a time (`requestTicketRefresh` signals-with-start it): a request that arrives
 * while a fetch is in flight makes the run fetch once more when it is done, so every caller's answer
 * comes from a fetch that started after its request, up to `MAX_FETCHES_PER_RUN` fetches (the result
 * names the requests it answers). A failure goes to the on-demand alerts digest.
 */
export async function refreshTicketCacheWorkflow(input: RefreshInput): Promise<RefreshRunResult> {
  const { userId, trigger = 'manual' } = input;
  let mode: RefreshMode = input.mode ?? 'check';
  const { workflowId, runId, taskQueue } = workflowInfo();
  /** A request without an id arrived since the current fetch started: its caller will not ask again. */
  let unnamedRequested = false;
  /** Ids of the waiting callers' requests that arrived since the current fetch started. */
  let waiting: string[] = [];
  const answeredRequests: string[] = [];
  setHandler(refreshRequestedSignal, (request) => {
    if (request.requestId) waiting.push(request.requestId);
    else unnamedRequested = true;
    if (STRENGTH[request.mode] > STRENGTH[mode]) mode = request.mode;
  });

  let summary: RefreshSummary;
  let fetches = 0;
  try {
    for (;;) {
      // Every request received so far is answered by this fetch, which starts after them.
      unnamedRequested = false;
      answeredRequests.push(...waiting);
      waiting = [];
      fetches += 1;
      const activityId = `refresh-${fetches}`;
      const { refreshUserTickets } = proxyActivities<UserRefreshActivities>({
        ...userRefreshActivity(taskQueue),
        activityId,
        summary: `refresh user ${userId} (${mode}, ${trigger})`,
      });
      summary = await refreshUserTickets({
        userId,
        mode,
        trigger,
        refreshId: refreshId({ workflowId, runId, activityId }),
      });
      if (!unnamedRequested) {
        // Waiting callers left after the last fetch for them ask again.
        if (waiting.length === 0 || fetches >= MAX_FETCHES_PER_RUN) break;
        continue;
      }
      // A request nobody waits for must not be dropped.
      if (fetches < MAX_FETCHES_FOR_UNNAMED_REQUESTS) continue;
      await queue.queueUserRefresh({ userId });
      break;
    }
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
