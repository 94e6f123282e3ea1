import { ApplicationFailure, log, proxyActivities, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { UserRefreshActivities } from './activity-contracts';
import { addFailure, emptyDigest } from './failure-digest';
import { failureMessage, failureType, wantsAlert } from './failure-message';
import { forEachBounded } from './for-each-bounded';
import { refreshId, userActivityId } from './ids';
import { userRefreshActivity } from './retry-policies';
import type { BatchInput, BatchResult } from './types';

/**
 * Refreshes a page of users for the hourly sweep: one `refreshUserTickets` activity per user (the
 * same unit as the per-user workflow), activity id `user-<id>`, at most `maxInFlight` at once. A
 * user costs three history events and one billable action here, instead of a child workflow. A
 * user's failure (after the activity's retries) is counted by type, never fails the batch.
 *
 * In the UI: search `BytemarkUserIds = '<id>'`, open the batch, find activity `user-<id>`: its result
 * is the user's outcome and counts.
 */
export async function refreshTicketCacheBatchWorkflow(input: BatchInput): Promise<BatchResult> {
  const { userIds, mode, trigger, maxInFlight = 25 } = input;
  if (!(maxInFlight > 0)) throw ApplicationFailure.nonRetryable('maxInFlight must be positive', 'InvalidBatchInput');
  const { workflowId, runId, taskQueue } = workflowInfo();
  const result: BatchResult = { users: userIds.length, outcomes: {}, failed: 0, failures: emptyDigest() };
  const report = () => {
    const done = Object.values(result.outcomes).reduce((a, b) => a + (b ?? 0), 0) + result.failed;
    setCurrentDetails(
      `${done} of ${userIds.length} users: ${JSON.stringify(result.outcomes)}, ${result.failed} failed`,
    );
  };

  await forEachBounded(userIds, maxInFlight, async (userId) => {
    const activityId = userActivityId(userId);
    const { refreshUserTickets } = proxyActivities<UserRefreshActivities>({
      ...userRefreshActivity(taskQueue),
      activityId,
      summary: `user ${userId} (${trigger})`,
    });
    try {
      const summary = await refreshUserTickets({
        userId,
        mode,
        trigger,
        refreshId: refreshId({ workflowId, runId, activityId }),
      });
      result.outcomes[summary.outcome] = (result.outcomes[summary.outcome] ?? 0) + 1;
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
  return result;
}
