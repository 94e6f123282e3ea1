import { ApplicationFailure, log, proxyActivities, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { UserRefreshActivities } from './activity-contracts';
import { addFailure, emptyDigest } from './failure-digest';
import { failureMessage, failureType, wantsAlert } from './failure-message';
import { forEachBounded } from './for-each-bounded';
import { INVALID_INPUT_FAILURE, refreshId, userActivityId } from './ids';
import { userRefreshActivity } from './retry-policies';
import type { BatchInput, BatchResult } from './types';

/** The shortest time a user's refresh is given before the window closes (a shorter one would only time out). */
const MIN_REFRESH_MS = 5_000;

/** failed-auth user ids a batch reports at most (all are counted), for the sweep's alert. */
export const AUTH_FAILED_IDS = 5;

/**
 * Refreshes a page of users for a sweep: one `refreshUserTickets` activity per user (the same unit
 * as the per-user workflow), activity id `user-<id>`, at most `maxInFlight` at once, at the sweep's
 * priority. A user costs three history events and one billable action here, instead of a child
 * workflow. A user's failure (after the activity's retries) is counted by type, never fails the batch.
 * Past `startUsersUntilMs` no user is started (counted `notReached`, still due); every refresh is
 * bounded to end by `endByMs`, so the batch ends within the sweep's window whatever Bytemark does.
 *
 * In the UI: search `BytemarkUserIds = '<id>'`, open the batch, find activity `user-<id>`: its result
 * is the user's outcome and counts.
 */
export async function refreshTicketCacheBatchWorkflow(input: BatchInput): Promise<BatchResult> {
  const { userIds, mode, trigger, maxInFlight = 25 } = input;
  if (!(maxInFlight > 0)) throw ApplicationFailure.nonRetryable('maxInFlight must be positive', INVALID_INPUT_FAILURE);
  const { workflowId, runId, taskQueue } = workflowInfo();
  const result: BatchResult = {
    users: userIds.length,
    outcomes: {},
    failed: 0,
    notReached: 0,
    authBackoff: {},
    authFailedUserIds: [],
    failures: emptyDigest(),
  };
  const report = () => {
    const done = Object.values(result.outcomes).reduce((a, b) => a + (b ?? 0), 0) + result.failed;
    setCurrentDetails(
      `${done} of ${userIds.length} users: ${JSON.stringify(result.outcomes)}, ${result.failed} failed` +
        (result.notReached > 0 ? `, ${result.notReached} not reached (window closed)` : ''),
    );
  };

  await forEachBounded(userIds, maxInFlight, async (userId) => {
    const leftMs = input.endByMs === undefined ? Number.POSITIVE_INFINITY : input.endByMs - Date.now();
    if ((input.startUsersUntilMs !== undefined && Date.now() >= input.startUsersUntilMs) || leftMs < MIN_REFRESH_MS) {
      result.notReached += 1;
      return;
    }
    const activityId = userActivityId(userId);
    const options = userRefreshActivity(taskQueue);
    const { refreshUserTickets } = proxyActivities<UserRefreshActivities>({
      ...options,
      activityId,
      summary: `user ${userId} (${trigger})`,
      ...(Number.isFinite(leftMs) ? { scheduleToCloseTimeout: Math.min(leftMs, 30 * 60_000) } : {}),
    });
    try {
      const summary = await refreshUserTickets({
        userId,
        mode,
        trigger,
        refreshId: refreshId({ workflowId, runId, activityId }),
      });
      result.outcomes[summary.outcome] = (result.outcomes[summary.outcome] ?? 0) + 1;
      if (summary.authBackoff) {
        const step = String(summary.authBackoff.failures);
        result.authBackoff[step] = (result.authBackoff[step] ?? 0) + 1;
        if (result.authFailedUserIds!.length < AUTH_FAILED_IDS) result.authFailedUserIds!.push(userId);
      }
    } catch (error) {
      result.failed += 1;
      addFailure(result.failures, { userId, type: failureType(error), alert: wantsAlert(error) });
      log.warn('A user refresh failed after its retries; the batch goes on', {
        userId,
        type: failureType(error),
        error: failureMessage(error),
      });
    }
    report();
  });
  report();
  return result;
}
