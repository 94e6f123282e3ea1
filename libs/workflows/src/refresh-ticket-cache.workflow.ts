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
import { reportRefreshFailure } from './on-demand-alerts.workflow';
import { nextStep } from './refresh-loop';
import { describeRefresh } from './refresh-summary';
import { DATABASE_ACTIVITY, userRefreshActivity } from './retry-policies';
import { OUTCOME_KEY } from './search-attributes';
import type { RefreshInput, RefreshMode, RefreshSummary } from './types';

export { MAX_FETCHES_FOR_UNNAMED_REQUESTS, MAX_FETCHES_PER_RUN } from './refresh-loop';

/** A caller asks the user's refresh to fetch (again, if one is running) and answer from that fetch. */
export interface RefreshRequest {
  mode: RefreshMode;
  /**
   * Set by a caller that waits for the answer and asks again when its id is not in
   * `answeredRequests`. A request without one (a caller that does not wait) is never left unfetched.
   */
  requestId?: string;
  /** The requester's priority (`PRIORITY`): the next fetch runs at the highest asked for, so a rider never waits behind the queue. */
  priorityKey?: number;
  /**
   * Pending refresh-log rows (type 1 or due type 3) the queue hands to this run instead of waiting
   * for it to end: marked processed once a fetch that started after them has committed.
   */
  queueRowIds?: number[];
}

/** The run's last summary, and the requests a fetch of the run started after (each is answered by it). */
export interface RefreshRunResult extends RefreshSummary {
  answeredRequests: string[];
}

const queue =
  proxyActivities<Pick<RefreshQueueActivities, 'queueUserRefresh' | 'markRefreshRowsProcessed'>>(DATABASE_ACTIVITY);

export const refreshRequestedSignal = defineSignal<[RefreshRequest]>(REFRESH_REQUESTED_SIGNAL);

/** `build` > `check` > `if-stale`: a request never gets less than it asked for. */
const STRENGTH: Record<RefreshMode, number> = { 'if-stale': 0, check: 1, build: 2 };

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
  let mode: RefreshMode = input.mode ?? 'check';
  const { workflowId, runId, taskQueue, priority } = workflowInfo();
  let priorityKey = priority?.priorityKey ?? PRIORITY.queue;
  /** A request without an id arrived since the current fetch started: its caller will not ask again. */
  let unnamedRequested = false;
  /** Ids of the waiting callers' requests, and queue rows, that arrived since the current fetch started. */
  let waiting: string[] = [];
  let rows: number[] = [];
  const answeredRequests: string[] = [];
  const answeredRows: number[] = [];
  setHandler(refreshRequestedSignal, (request) => {
    if (request.requestId) waiting.push(request.requestId);
    else if (!request.queueRowIds) unnamedRequested = true;
    rows.push(...(request.queueRowIds ?? []));
    if (STRENGTH[request.mode] > STRENGTH[mode]) mode = request.mode;
    if (request.priorityKey !== undefined) priorityKey = Math.min(priorityKey, request.priorityKey);
  });

  let summary: RefreshSummary;
  let fetches = 0;
  try {
    for (;;) {
      // Every request received so far is answered by this fetch, which starts after them.
      unnamedRequested = false;
      answeredRequests.push(...waiting);
      answeredRows.push(...rows);
      waiting = [];
      rows = [];
      fetches += 1;
      const activityId = `refresh-${fetches}`;
      const { refreshUserTickets } = proxyActivities<UserRefreshActivities>({
        ...userRefreshActivity(taskQueue, priorityKey),
        activityId,
        summary: `refresh user ${userId} (${mode}, ${trigger})`,
      });
      summary = await refreshUserTickets({
        userId,
        mode,
        trigger,
        refreshId: refreshId({ workflowId, runId, activityId }),
      });
      const step = nextStep({ fetches, named: waiting.length + rows.length, unnamed: unnamedRequested });
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
